package org.tinykv.tools.wal;

import java.io.PrintWriter;
import org.tinykv.wal.CorruptionException;

/**
 * Decodes and prints the payload of each record of one log file, and a summary at the end. One implementation per
 * kind of log: write batches ({@link BatchPrinter}), version edits ({@link ManifestPrinter}), raw bytes
 * ({@link RawPrinter}).
 *
 * <p>Thread-safety: confined to one thread; one instance per file.
 */
interface RecordPrinter {

    /**
     * Decodes one record; prints it (unless {@code quiet}) and adds it to the summary.
     *
     * @param file   the log file, for messages
     * @param offset the offset of the record's first fragment
     * @throws CorruptionException naming {@code file} and {@code offset} if the payload does not decode
     */
    void record(String file, long offset, byte[] payload, boolean quiet, PrintWriter out)
        throws CorruptionException;

    /** Prints the summary lines of what the payloads held. */
    void summary(PrintWriter out);
}
