package org.tinykv.wal.record;

/**
 * The type byte of a fragment: whether it holds a whole record or the first, a middle or the last piece of one.
 *
 * <p>The codes are written to disk; never renumber them. Code 0 is reserved: a header of seven zero bytes marks
 * the end of the log (a preallocated, never written tail), see {@link RecordDescriptor#isZeroHeader}.
 */
public enum RecordType {
    /** The fragment holds a whole record. */
    FULL(1),
    /** The first fragment of a record that continues in the next block. */
    FIRST(2),
    /** A fragment in the middle of a record. */
    MIDDLE(3),
    /** The last fragment of a record. */
    LAST(4);

    private static final RecordType[] BY_CODE = {null, FULL, FIRST, MIDDLE, LAST};

    private final int code;

    RecordType(final int code) {
        this.code = code;
    }

    /** The on-disk code of this type. */
    public int code() {
        return code;
    }

    /** Returns the type with on-disk {@code code}, or {@code null} if no type has it (a corrupt fragment). */
    public static RecordType fromCode(final int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
