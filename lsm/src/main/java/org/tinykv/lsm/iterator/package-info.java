/** Iterators over internal entries: the interface, merging, level concatenation and the user-facing iterator. */
package org.tinykv.lsm.iterator;
