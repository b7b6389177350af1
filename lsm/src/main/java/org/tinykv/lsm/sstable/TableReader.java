package org.tinykv.lsm.sstable;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.tinykv.lsm.cache.BlockCache;
import org.tinykv.lsm.iterator.InternalIterator;
import org.tinykv.lsm.key.FragmentedTombstones;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.key.Lookup;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.codec.Crc32c;
import org.tinykv.wal.codec.Fixed;
import org.tinykv.wal.fs.RandomAccessFile;

/**
 * Reads a table file: checks the footer, keeps the index, bloom filter, range tombstones and properties in memory,
 * and reads data blocks through the block cache, verifying each block's CRC32C. See docs/formats/sst.md.
 *
 * <p>Reference counted: the opener holds one reference; {@link #retain()}/{@link #release()} pin it for readers;
 * the file is closed when the count drops to zero.
 *
 * <p>Thread-safety: safe for concurrent readers.
 */
public final class TableReader implements Closeable {

    private final RandomAccessFile file;
    private final long fileNumber;
    private final BlockCache cache;
    private final long globalSeq;
    private final Block index;
    private final byte[] filter;
    private final FragmentedTombstones tombstones;
    private final TableProperties properties;
    private final AtomicInteger refs = new AtomicInteger(1);

    private TableReader(final RandomAccessFile file, final long fileNumber, final BlockCache cache,
                        final long globalSeq, final Footer footer) throws IOException {
        this.file = file;
        this.fileNumber = fileNumber;
        this.cache = cache;
        this.globalSeq = globalSeq;
        this.index = new Block(readRaw(footer.index()), file.name(), footer.index().offset());
        this.filter = readRaw(footer.filter());
        this.tombstones = new FragmentedTombstones(
            TableBuilder.decodeTombstones(readRaw(footer.rangeDel()), globalSeq));
        this.properties = TableProperties.decode(readRaw(footer.properties()));
    }

    /**
     * Opens a table; the reader takes ownership of {@code file}.
     *
     * @param globalSeq if {@code >= 0}, the sequence number of every entry (ingested files); else -1
     * @throws CorruptionException if the footer or a meta block is bad
     */
    public static TableReader open(final RandomAccessFile file, final long fileNumber, final BlockCache cache,
                                   final long globalSeq) throws IOException {
        try {
            final long size = file.size();
            if (size < Footer.LENGTH) {
                throw new CorruptionException(file.name(), 0, "file too short for a table: " + size);
            }
            final byte[] f = new byte[Footer.LENGTH];
            readFully(file, size - Footer.LENGTH, f);
            final Footer footer = Footer.decode(f, file.name(), size - Footer.LENGTH, size);
            return new TableReader(file, fileNumber, cache, globalSeq, footer);
        } catch (final IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static void readFully(final RandomAccessFile file, final long pos, final byte[] out) throws IOException {
        int done = 0;
        while (done < out.length) {
            final int n = file.read(pos + done, out, done, out.length - done);
            if (n <= 0) {
                throw new CorruptionException(file.name(), pos, "truncated read of " + out.length + " bytes");
            }
            done += n;
        }
    }

    /** Reads a block's contents, verifies the checksum and decompresses. */
    private byte[] readRaw(final BlockHandle h) throws IOException {
        final int size = (int) h.size();
        final byte[] buf = new byte[size + 5];
        readFully(file, h.offset(), buf);
        final CRC32C crc = new CRC32C();
        crc.update(buf, 0, size + 1);
        if (Crc32c.unmask(Fixed.getInt(buf, size + 1)) != (int) crc.getValue()) {
            throw new CorruptionException(file.name(), h.offset(), "block checksum mismatch");
        }
        final Compression type = Compression.fromCode(buf[size] & 0xff);
        if (type == null) {
            throw new CorruptionException(file.name(), h.offset() + size, "unknown compression " + buf[size]);
        }
        if (type == Compression.NONE) {
            return Arrays.copyOf(buf, size);
        }
        try {
            return type.decompress(buf, 0, size);
        } catch (final CorruptionException e) {
            throw e;
        } catch (final IOException e) {
            throw new CorruptionException(file.name(), h.offset(), e.getMessage());
        }
    }

    /** Returns the data block at {@code h}, from the cache if present. */
    Block dataBlock(final BlockHandle h, final boolean fillCache) throws IOException {
        if (cache != null) {
            final Block cached = cache.get(fileNumber, h.offset());
            if (cached != null) {
                return cached;
            }
        }
        final Block b = new Block(readRaw(h), file.name(), h.offset());
        if (cache != null && fillCache) {
            cache.put(fileNumber, h.offset(), b);
        }
        return b;
    }

    /** Decodes the block handle in the current index entry. */
    BlockHandle handleAt(final BlockIterator indexIter) throws IOException {
        try {
            return BlockHandle.decode(indexIter.valueArray(), indexIter.valueOffset(), indexIter.valueLength());
        } catch (final CorruptionException e) {
            throw e;
        } catch (final IOException e) {
            throw new CorruptionException(file.name(), index.fileOffset, "bad index entry: " + e.getMessage());
        }
    }

    BlockIterator indexIterator() {
        return index.iterator(globalSeq);
    }

    long globalSeq() {
        return globalSeq;
    }

    /** Looks up a point key and covering tombstones of this table. */
    public void get(final Lookup lookup, final long userKeyHash) throws IOException {
        if (!tombstones.isEmpty()) {
            lookup.tombstone(tombstones.maxCoveringSeq(lookup.userKey, lookup.snapshotSeq));
        }
        if (filter.length > 1 && !BloomFilter.mayContain(filter, userKeyHash)) {
            return;
        }
        final byte[] seek = InternalKey.seekKey(lookup.userKey, lookup.snapshotSeq);
        final BlockIterator ii = indexIterator();
        ii.seek(seek);
        if (!ii.valid()) {
            return;
        }
        final BlockIterator bi = dataBlock(handleAt(ii), true).iterator(globalSeq);
        bi.seek(seek);
        if (!bi.valid() || KeyComparator.compareUserPart(bi.keyArray(), 0, bi.keyLength(), lookup.userKey) != 0) {
            return;
        }
        final long trailer = InternalKey.trailerOf(bi.keyArray(), 0, bi.keyLength());
        if (InternalKey.seqOf(trailer) > lookup.snapshotSeq) {
            return;
        }
        lookup.found(InternalKey.kindOf(trailer), InternalKey.seqOf(trailer),
            Arrays.copyOfRange(bi.valueArray(), bi.valueOffset(), bi.valueOffset() + bi.valueLength()));
    }

    /** Returns an iterator over point entries; the caller must hold a reference while using it. */
    public InternalIterator iterator(final boolean fillCache) {
        return new TableIterator(this, fillCache);
    }

    /** Range tombstones of this table. */
    public FragmentedTombstones rangeTombstones() {
        return tombstones;
    }

    /** Properties of this table. */
    public TableProperties properties() {
        return properties;
    }

    /** The file name, for messages. */
    public String name() {
        return file.name();
    }

    /** Approximate file offset of the data for {@code internalKey}. */
    public long approximateOffsetOf(final byte[] internalKey) throws IOException {
        final BlockIterator ii = indexIterator();
        ii.seek(internalKey);
        if (!ii.valid()) {
            return properties.dataBytes();
        }
        return handleAt(ii).offset();
    }

    /** Takes a reference; returns false if the reader is already closed. */
    public boolean retain() {
        while (true) {
            final int r = refs.get();
            if (r <= 0) {
                return false;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference, closing the file at zero. */
    public void release() throws IOException {
        if (refs.decrementAndGet() == 0) {
            file.close();
        }
    }

    /** Drops the opener's reference. */
    @Override
    public void close() throws IOException {
        release();
    }
}
