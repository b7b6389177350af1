package org.tinykv.tools.wal;

import java.nio.file.Path;
import org.tinykv.lsm.version.FileNames;

/**
 * What the records of a log file hold, which decides how {@code wal-inspect} decodes them.
 */
enum LogKind {
    /** Pick by file name: {@code MANIFEST*} holds version edits, {@code *.log} write batches, others raw. */
    AUTO,
    /** Write batches (a WAL, docs/formats/write-batch.md). */
    BATCH,
    /** Version edits (a MANIFEST, docs/formats/manifest.md). */
    MANIFEST,
    /** Opaque bytes, printed in hex. */
    RAW;

    /** Resolves {@link #AUTO} for {@code file}; other kinds are returned as they are. */
    LogKind resolve(final Path file) {
        if (this != AUTO) {
            return this;
        }
        final String name = file.getFileName() == null ? "" : file.getFileName().toString();
        return switch (FileNames.parse(name).kind()) {
            case MANIFEST -> MANIFEST;
            case LOG -> BATCH;
            default -> name.startsWith("MANIFEST") ? MANIFEST : name.endsWith(".log") ? BATCH : RAW;
        };
    }

    /** A new printer for records of this kind; requires a resolved kind. */
    RecordPrinter newPrinter(final boolean values) {
        return switch (this) {
            case BATCH -> new BatchPrinter(values);
            case MANIFEST -> new ManifestPrinter();
            case RAW, AUTO -> new RawPrinter(values);
        };
    }
}
