package org.tinykv.txn.types;

/**
 * Bytes that do not follow the documented MVCC encodings (docs/formats/mvcc.md): a malformed key, lock or write
 * record. Unchecked: stored records are checksummed by the storage engine, so this means a bug or foreign data;
 * commands turn it into a key error rather than crashing.
 */
public final class MvccDecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming what was malformed and where. */
    public MvccDecodeException(String message) {
        super(message);
    }
}
