package org.tinykv.lsm.sstable;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.WritableFile;

/**
 * Writes an external table file (for example one column family of a region snapshot) that
 * {@code Db.ingestExternalFiles} can place into a Db. Entries are written with sequence number 0; the Db assigns a
 * global sequence number at ingestion.
 *
 * <p>Usage: {@code open}, then {@link #put}/{@link #delete} in strictly increasing user-key order, optional
 * {@link #deleteRange} calls, then {@link #finish()} (which syncs and closes the file).
 *
 * <p>Thread-safety: confined to one thread.
 */
public final class SstFileWriter implements Closeable {

    private final WritableFile file;
    private final TableBuilder builder;
    private final Path path;
    private byte[] lastUserKey;
    private boolean done;

    private SstFileWriter(final WritableFile file, final TableOptions options, final Path path) {
        this.file = file;
        this.builder = new TableBuilder(file, options);
        this.path = path;
    }

    /** Creates (truncating) {@code path} and opens a writer. */
    public static SstFileWriter open(final FileSystem fs, final Path path, final TableOptions options)
        throws IOException {
        return new SstFileWriter(fs.create(path), options.validate(), path);
    }

    /** Opens a writer with {@link TableOptions#defaults()}. */
    public static SstFileWriter open(final FileSystem fs, final Path path) throws IOException {
        return open(fs, path, TableOptions.defaults());
    }

    private void add(final byte[] key, final byte[] value, final ValueKind kind) throws IOException {
        if (done) {
            throw new IllegalStateException("writer finished");
        }
        if (lastUserKey != null && Arrays.compareUnsigned(lastUserKey, key) >= 0) {
            throw new IllegalArgumentException("keys must be strictly increasing");
        }
        lastUserKey = key.clone();
        final byte[] ik = InternalKey.encode(key, 0, kind.code());
        builder.add(ik, 0, ik.length, value, 0, value.length);
    }

    /** Adds a value. Requires: {@code key} greater than every key added before. */
    public void put(final byte[] key, final byte[] value) throws IOException {
        add(key, value, ValueKind.PUT);
    }

    /** Adds a point tombstone. Requires: {@code key} greater than every key added before. */
    public void delete(final byte[] key) throws IOException {
        add(key, new byte[0], ValueKind.DELETE);
    }

    /** Adds a range tombstone over {@code [begin, end)} (any order relative to point keys). */
    public void deleteRange(final byte[] begin, final byte[] end) {
        if (Arrays.compareUnsigned(begin, end) >= 0) {
            throw new IllegalArgumentException("empty range");
        }
        builder.addRangeTombstone(begin, end, 0);
    }

    /** Number of point entries written. */
    public long entries() {
        return builder.entries();
    }

    /** Writes the footer, syncs and closes the file; returns the table's properties. */
    public TableProperties finish() throws IOException {
        if (builder.entries() == 0 && builder.rangeTombstones() == 0) {
            throw new IllegalStateException("no entries written to " + path);
        }
        done = true;
        final TableProperties p = builder.finish();
        file.sync();
        file.close();
        return p;
    }

    /** Abandons the file if not finished (the caller deletes it). */
    @Override
    public void close() throws IOException {
        if (!done) {
            done = true;
            file.close();
        }
    }
}
