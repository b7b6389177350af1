package org.tinykv.wal.record;

import org.tinykv.wal.fs.WritableFile;

import java.io.Closeable;
import java.io.IOException;
import java.util.Objects;

import static org.tinykv.wal.record.RecordDescriptor.BLOCK_SIZE;
import static org.tinykv.wal.record.RecordDescriptor.HEADER_SIZE;

/**
 * Appends records to a log file in the block format of docs/formats/wal.md, fragmenting each record into
 * FULL or FIRST/MIDDLE.../LAST fragments so that no fragment crosses a 32 KiB block boundary.
 *
 * <p>The writer continues the block structure of whatever the file already holds ({@code file.size()} at
 * construction), so it can append to a log that was closed cleanly. It must not append to a log with a
 * preallocated zero tail (the zeros would end the log for readers): start a new file instead.
 *
 * <p>If an append throws, the file may hold part of the record; the caller must stop using this writer (a reader
 * will drop the partial record as a torn tail).
 *
 * <p>Thread-safety: confined to one thread at a time. Ownership: the writer owns the file and closes it.
 */
public final class RecordWriter implements Closeable {

    private static final byte[] ZEROES = new byte[HEADER_SIZE];

    private final WritableFile file;
    private final byte[] header = new byte[HEADER_SIZE];
    private int blockOffset;

    /** Creates a writer appending at the current end of {@code file}. */
    public RecordWriter(final WritableFile file) {
        this.file = Objects.requireNonNull(file, "file");
        this.blockOffset = (int) (file.size() % BLOCK_SIZE);
    }

    /**
     * Appends one record of {@code length} bytes of {@code data} from {@code offset} (an empty record is allowed).
     * The bytes are buffered: they are durable only after {@link #sync()}.
     */
    public void addRecord(final byte[] data, final int offset, final int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        int position = offset;
        int left = length;
        boolean begin = true;
        do {
            final int leftover = BLOCK_SIZE - blockOffset;
            if (leftover < HEADER_SIZE) {
                if (leftover > 0) {
                    file.append(ZEROES, 0, leftover);
                }
                blockOffset = 0;
            }
            final int available = BLOCK_SIZE - blockOffset - HEADER_SIZE;
            final int fragment = Math.min(left, available);
            final boolean end = fragment == left;
            final RecordType type;
            if (begin) {
                type = end ? RecordType.FULL : RecordType.FIRST;
            } else {
                type = end ? RecordType.LAST : RecordType.MIDDLE;
            }
            RecordDescriptor.writeHeader(header, 0, type, data, position, fragment);
            file.append(header, 0, HEADER_SIZE);
            file.append(data, position, fragment);
            blockOffset += HEADER_SIZE + fragment;
            position += fragment;
            left -= fragment;
            begin = false;
        } while (left > 0);
    }

    /** Appends a whole record held in {@code data}. */
    public void addRecord(final byte[] data) throws IOException {
        addRecord(data, 0, data.length);
    }

    /** Returns the offset just past the last appended byte (the size the file will have once flushed). */
    public long offset() {
        return file.size();
    }

    /** Hands buffered bytes to the operating system (not a durability barrier). */
    public void flush() throws IOException {
        file.flush();
    }

    /** Makes every record appended so far durable. */
    public void sync() throws IOException {
        file.sync();
    }

    /** Flushes and closes the file (without syncing it). */
    @Override
    public void close() throws IOException {
        file.close();
    }
}
