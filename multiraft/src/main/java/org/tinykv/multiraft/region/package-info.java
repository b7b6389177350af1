/**
 * Region helpers: key-range membership (bounds are in encoded key space, empty = unbounded), region epoch checks
 * and builders of the {@code errorpb} region errors, filled exactly as TinyKV fills them.
 */
package org.tinykv.multiraft.region;
