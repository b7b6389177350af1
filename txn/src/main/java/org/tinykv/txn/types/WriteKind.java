package org.tinykv.txn.types;

/**
 * Kind of a write record (see docs/formats/mvcc.md). The codes are written to disk; never renumber them.
 * Codes 1-3 match TinyKV's {@code WriteKind}; {@code LOCK} (4) is the commit of an {@code Op_Lock} mutation,
 * which records the transaction but does not change the key's value.
 */
public enum WriteKind {
    /** A committed value, stored in the default CF at the start timestamp. */
    PUT(1),
    /** A committed deletion. */
    DELETE(2),
    /** A rolled-back transaction; written at its start timestamp. */
    ROLLBACK(3),
    /** A committed read lock; reads skip it. */
    LOCK(4);

    private final int code;

    WriteKind(int code) {
        this.code = code;
    }

    /** The on-disk code. */
    public int code() {
        return code;
    }

    /** The kind with on-disk {@code code}, or an {@link MvccDecodeException}. */
    public static WriteKind fromCode(int code) {
        for (WriteKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new MvccDecodeException("unknown write kind code " + code);
    }
}
