package org.tinykv.tools.wal;

import java.io.PrintWriter;
import org.tinykv.tools.format.Bytes;

/**
 * Prints records as bytes: the first 64 in hex and printable form, or all of them when values are requested.
 *
 * <p>Thread-safety: confined to one thread.
 */
final class RawPrinter implements RecordPrinter {

    private static final int PREVIEW = 64;

    private final boolean full;
    private long records;
    private long bytes;

    RawPrinter(final boolean full) {
        this.full = full;
    }

    @Override
    public void record(final String file, final long offset, final byte[] payload, final boolean quiet,
                       final PrintWriter out) {
        records++;
        bytes += payload.length;
        if (!quiet) {
            final int n = full ? payload.length : Math.min(PREVIEW, payload.length);
            out.println("    " + Bytes.both(payload, 0, n) + (n < payload.length ? " ..." : ""));
        }
    }

    @Override
    public void summary(final PrintWriter out) {
        out.println("  raw records: " + records + ", payload bytes " + bytes);
    }
}
