package org.tinykv.txn.types;

/**
 * Kind of a lock record (see docs/formats/mvcc.md): what committing it will write. The codes are written to
 * disk and equal the {@link WriteKind} codes of the write record a commit produces; never renumber them.
 */
public enum LockKind {
    /** Prewritten value in the default CF at the start timestamp. */
    PUT(1, WriteKind.PUT),
    /** Prewritten deletion. */
    DELETE(2, WriteKind.DELETE),
    /** Read lock ({@code Op_Lock}): ignored by readers, commits to a {@link WriteKind#LOCK} record. */
    LOCK(4, WriteKind.LOCK);

    private final int code;
    private final WriteKind writeKind;

    LockKind(int code, WriteKind writeKind) {
        this.code = code;
        this.writeKind = writeKind;
    }

    /** The on-disk code. */
    public int code() {
        return code;
    }

    /** The kind of write record committing this lock produces. */
    public WriteKind writeKind() {
        return writeKind;
    }

    /** The kind with on-disk {@code code}, or an {@link MvccDecodeException}. */
    public static LockKind fromCode(int code) {
        for (LockKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        throw new MvccDecodeException("unknown lock kind code " + code);
    }
}
