package org.tinykv.lsm.compaction;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.key.RangeTombstone;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.lsm.sstable.TableBuilder;
import org.tinykv.lsm.sstable.TableOptions;
import org.tinykv.lsm.sstable.TableProperties;
import org.tinykv.lsm.version.FileMetadata;
import org.tinykv.lsm.version.FileNames;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.WritableFile;

/**
 * Writes a sorted stream of internal entries (and range tombstones) into one or more synced table files, cutting a
 * new file at a user-key boundary once the target size is reached. When range tombstones are written, everything
 * goes into a single file, so that a tombstone never needs to be split across files.
 *
 * <p>Thread-safety: confined to one thread.
 */
public final class TableOutput {

    private final FileSystem fs;
    private final Path dir;
    private final LongSupplier newFileNumber;
    private final TableOptions options;
    private final long targetBytes;
    private final List<FileMetadata> done = new ArrayList<>();
    private final List<Long> created = new ArrayList<>();
    private List<RangeTombstone> tombstones = List.of();
    private WritableFile file;
    private TableBuilder builder;
    private long number;
    private byte[] lastKey;
    private long bytesWritten;

    /**
     * Creates an output.
     *
     * @param newFileNumber allocates file numbers (the caller protects them from deletion until installed)
     */
    public TableOutput(final FileSystem fs, final Path dir, final LongSupplier newFileNumber,
                       final TableOptions options, final long targetBytes) {
        this.fs = fs;
        this.dir = dir;
        this.newFileNumber = newFileNumber;
        this.options = options;
        this.targetBytes = targetBytes;
    }

    /** Sets the range tombstones to write (disables splitting). Call before {@link #finish()}. */
    public void tombstones(final List<RangeTombstone> list) {
        this.tombstones = List.copyOf(list);
    }

    /** Adds an entry; Requires: increasing internal keys. */
    public void add(final byte[] key, final int keyOff, final int keyLen,
                    final byte[] value, final int valueOff, final int valueLen) throws IOException {
        if (builder != null && tombstones.isEmpty() && builder.estimatedFileSize() >= targetBytes
            && !KeyComparator.sameUserKey(lastKey, 0, lastKey.length, key, keyOff, keyLen)) {
            finishFile();
        }
        if (builder == null) {
            openFile();
        }
        builder.add(key, keyOff, keyLen, value, valueOff, valueLen);
        if (lastKey == null || lastKey.length < keyLen) {
            lastKey = new byte[Math.max(keyLen, 32)];
        }
        lastKey = Arrays.copyOfRange(key, keyOff, keyOff + keyLen);
    }

    private void openFile() throws IOException {
        number = newFileNumber.getAsLong();
        created.add(number);
        file = fs.create(FileNames.table(dir, number));
        builder = new TableBuilder(file, options);
    }

    private void finishFile() throws IOException {
        for (final RangeTombstone t : tombstones) {
            builder.addRangeTombstone(t.begin(), t.end(), t.seq());
        }
        final TableProperties p = builder.finish();
        file.sync();
        file.close();
        bytesWritten += builder.fileSize();
        byte[] smallest = p.smallestKey().length > 0 ? p.smallestKey() : null;
        byte[] largest = p.largestKey().length > 0 ? p.largestKey() : null;
        for (final RangeTombstone t : tombstones) {
            final byte[] b = InternalKey.encode(t.begin(), InternalKey.MAX_SEQ, ValueKind.SEEK_CODE);
            final byte[] e = InternalKey.encode(t.end(), InternalKey.MAX_SEQ, ValueKind.SEEK_CODE);
            smallest = smallest == null || KeyComparator.INTERNAL.compare(b, smallest) < 0 ? b : smallest;
            largest = largest == null || KeyComparator.INTERNAL.compare(e, largest) > 0 ? e : largest;
        }
        done.add(new FileMetadata(number, builder.fileSize(), smallest, largest, p.minSeq(), p.maxSeq(), -1,
            p.entries(), p.rangeDeletions()));
        tombstones = List.of();
        builder = null;
        file = null;
        lastKey = null;
    }

    /** Finishes the last file; returns every file written. */
    public List<FileMetadata> finish() throws IOException {
        if (builder == null && !tombstones.isEmpty()) {
            openFile();
        }
        if (builder != null) {
            finishFile();
        }
        return done;
    }

    /** Bytes of the finished files. */
    public long bytesWritten() {
        return bytesWritten;
    }

    /** Numbers of every file created (finished or not), for cleanup after a failure. */
    public List<Long> createdFiles() {
        return created;
    }

    /** Closes and deletes every file created (after a failure). */
    public void abandon() {
        try {
            if (file != null) {
                file.close();
            }
        } catch (final IOException e) {
            // the file is deleted next; nothing else to do with a close failure
        }
        for (final long n : created) {
            try {
                fs.delete(FileNames.table(dir, n));
            } catch (final IOException e) {
                // left for the obsolete-file sweep
            }
        }
    }
}
