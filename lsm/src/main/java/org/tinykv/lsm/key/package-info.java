/** Internal keys: a user key plus a (sequence, kind) trailer, and their orders. */
package org.tinykv.lsm.key;
