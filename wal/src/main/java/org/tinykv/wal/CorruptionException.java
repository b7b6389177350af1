package org.tinykv.wal;

import java.io.IOException;

/**
 * Data read from disk (or received) failed a checksum or a format check. Always names the file and the byte offset
 * where the bad data starts, so that an operator can inspect it with {@code wal-inspect} or {@code sst-dump}.
 */
public final class CorruptionException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String file;
    private final long offset;

    /** Creates an exception for bad data in {@code file} at byte {@code offset}. */
    public CorruptionException(final String file, final long offset, final String reason) {
        super("corruption in " + file + " at offset " + offset + ": " + reason);
        this.file = file;
        this.offset = offset;
    }

    /** The file that holds the bad data. */
    public String file() {
        return file;
    }

    /** The byte offset in {@link #file()} where the bad data starts. */
    public long offset() {
        return offset;
    }
}
