package org.tinykv.lsm.key;

/**
 * The kind of an internal entry, stored in the low byte of every internal key's trailer.
 *
 * <p>Written to disk (SST keys, WAL write batches); never renumber. Code {@code 0xff} is reserved for seek keys and is
 * never stored. See docs/formats/sst.md.
 */
public enum ValueKind {
    /** A point tombstone. */
    DELETE(0),
    /** A value. */
    PUT(1),
    /** A range tombstone: the key is the inclusive begin, the value the exclusive end. */
    RANGE_DELETE(2);

    /** The kind byte used in seek keys: sorts before every stored kind of the same sequence number. */
    public static final int SEEK_CODE = 0xff;

    private final int code;

    ValueKind(final int code) {
        this.code = code;
    }

    /** The on-disk code. */
    public int code() {
        return code;
    }

    /** Returns the kind for {@code code}, or null if the code is unknown. */
    public static ValueKind fromCode(final int code) {
        switch (code) {
            case 0:
                return DELETE;
            case 1:
                return PUT;
            case 2:
                return RANGE_DELETE;
            default:
                return null;
        }
    }
}
