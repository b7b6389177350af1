package org.tinykv.wal.record;

import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Test helpers: whole-file reads and writes, and record reading in a mode. */
final class LogFiles {

    private LogFiles() {
    }

    static byte[] readAll(final FileSystem fs, final Path path) throws IOException {
        try (RandomAccessFile file = fs.openRandomAccess(path)) {
            final byte[] bytes = new byte[(int) file.size()];
            int total = 0;
            while (total < bytes.length) {
                total += file.read(total, bytes, total, bytes.length - total);
            }
            return bytes;
        }
    }

    static void writeAll(final FileSystem fs, final Path path, final byte[] bytes, final int length)
        throws IOException {
        try (WritableFile file = fs.create(path)) {
            file.append(bytes, 0, length);
            file.sync();
        }
    }

    static List<byte[]> writeRecords(final FileSystem fs, final Path path, final List<byte[]> records)
        throws IOException {
        try (RecordWriter writer = new RecordWriter(fs.create(path))) {
            for (final byte[] r : records) {
                writer.addRecord(r);
            }
            writer.sync();
        }
        return records;
    }

    /** Reads every record; the reader is returned through {@code out} for its skipped corruptions. */
    static List<byte[]> readRecords(final FileSystem fs, final Path path, final RecoveryMode mode,
                                    final List<RecordReader> out) throws IOException {
        final List<byte[]> records = new ArrayList<>();
        try (RecordReader reader = new RecordReader(fs.openRandomAccess(path), mode)) {
            if (out != null) {
                out.add(reader);
            }
            byte[] r;
            while ((r = reader.next()) != null) {
                records.add(r);
            }
        }
        return records;
    }

    static byte[] randomRecord(final RandomGenerator rnd, final int length) {
        final byte[] r = new byte[length];
        rnd.nextBytes(r);
        return r;
    }

    static long seed(final String property) {
        final String value = System.getProperty(property);
        final long seed = value != null ? Long.parseLong(value) : System.nanoTime();
        System.out.println(property + "=" + seed);
        return seed;
    }
}
