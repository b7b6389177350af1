/**
 * Percolator data types and their byte encodings: timestamps, the memcomparable key codec, MVCC keys, and the
 * {@link org.tinykv.txn.types.Lock} / {@link org.tinykv.txn.types.Write} records stored in the lock and write
 * column families. This package depends on nothing but the JDK. See docs/formats/mvcc.md.
 */
package org.tinykv.txn.types;
