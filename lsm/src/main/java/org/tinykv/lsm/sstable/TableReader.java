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
    private final TableIndex index;
    private final byte[] filter;
    private final FragmentedTombstones tombstones;
    private final TableProperties properties;
    private final AtomicInteger refs = new AtomicInteger(1);
    /** Per-thread buffer for raw (compressed) block reads: decoding always copies or decompresses out of it. */
    private static final int READ_SCRATCH_BYTES = 64 << 10;
    private static final ThreadLocal<byte[]> READ_SCRATCH = ThreadLocal.withInitial(() -> new byte[READ_SCRATCH_BYTES]);
    /** Per-thread data block iterator reused by point lookups (which never nest). */
    private static final ThreadLocal<BlockIterator[]> GET_SCRATCH =
        ThreadLocal.withInitial(() -> new BlockIterator[1]);

    private TableReader(final RandomAccessFile file, final long fileNumber, final BlockCache cache,
                        final long globalSeq, final Footer footer) throws IOException {
        this.file = file;
        this.fileNumber = fileNumber;
        this.cache = cache;
        this.globalSeq = globalSeq;
        this.index = TableIndex.decode(new Block(readRaw(footer.index()), file.name(), footer.index().offset()),
            globalSeq);
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
        readFully(file, pos, out, out.length);
    }

    private static void readFully(final RandomAccessFile file, final long pos, final byte[] out, final int length)
        throws IOException {
        int done = 0;
        while (done < length) {
            final int n = file.read(pos + done, out, done, length - done);
            if (n <= 0) {
                throw new CorruptionException(file.name(), pos, "truncated read of " + length + " bytes");
            }
            done += n;
        }
    }

    /** The file number given at open (-1 for a table outside a Db). */
    public long fileNumber() {
        return fileNumber;
    }

    private byte[] readRaw(final BlockHandle h) throws IOException {
        return readRaw(h.offset(), (int) h.size());
    }

    /** Reads a block's contents, verifies the checksum and decompresses. */
    private byte[] readRaw(final long offset, final int size) throws IOException {
        final byte[] buf;
        if (size + 5 <= READ_SCRATCH_BYTES) {
            buf = READ_SCRATCH.get();
            readFully(file, offset, buf, size + 5);
        } else {
            buf = new byte[size + 5];
            readFully(file, offset, buf, buf.length);
        }
        return decodeRaw(buf, 0, offset, size);
    }

    /** Verifies the checksum of the block at {@code offset} held in {@code buf} from {@code pos}; returns its type. */
    private Compression verify(final byte[] buf, final int pos, final long offset, final int size)
        throws IOException {
        final CRC32C crc = new CRC32C();
        crc.update(buf, pos, size + 1);
        if (Crc32c.unmask(Fixed.getInt(buf, pos + size + 1)) != (int) crc.getValue()) {
            throw new CorruptionException(file.name(), offset, "block checksum mismatch");
        }
        final Compression type = Compression.fromCode(buf[pos + size] & 0xff);
        if (type == null) {
            throw new CorruptionException(file.name(), offset + size, "unknown compression " + buf[pos + size]);
        }
        return type;
    }

    /** Verifies and decompresses the block of {@code h} held in {@code buf} from {@code pos} (with its trailer). */
    private byte[] decodeRaw(final byte[] buf, final int pos, final long offset, final int size)
        throws IOException {
        final Compression type = verify(buf, pos, offset, size);
        if (type == Compression.NONE) {
            return Arrays.copyOfRange(buf, pos, pos + size);
        }
        try {
            return type.decompress(buf, pos, size);
        } catch (final CorruptionException e) {
            throw e;
        } catch (final IOException e) {
            throw new CorruptionException(file.name(), offset, e.getMessage());
        }
    }

    /**
     * As {@link #decodeRaw} but into {@code out[0]} (grown if needed, reused by a scan); returns the block length.
     */
    private int decodeInto(final byte[] buf, final int pos, final long offset, final int size,
                           final byte[][] out) throws IOException {
        final Compression type = verify(buf, pos, offset, size);
        if (type == Compression.NONE) {
            if (out[0] == null || out[0].length < size) {
                out[0] = new byte[Math.max(size, 8192)];
            }
            System.arraycopy(buf, pos, out[0], 0, size);
            return size;
        }
        try {
            return type.decompressInto(buf, pos, size, out);
        } catch (final CorruptionException e) {
            throw e;
        } catch (final IOException e) {
            throw new CorruptionException(file.name(), offset, e.getMessage());
        }
    }

    /**
     * Readahead state of one sequential reader (an iterator): after {@value #READAHEAD_AFTER} consecutive blocks
     * missed the cache, block reads fetch {@value #READAHEAD_BYTES} bytes at once and later blocks are decoded from
     * that buffer. Blocks a scan reads this way are decoded into one buffer the iterator reuses and are not put in
     * the block cache (scan resistance: a long scan neither allocates a block per block nor flushes the cache's hot
     * blocks; the iterator's arrays are valid only until its next move anyway). Confined to its iterator's thread.
     */
    static final class Readahead {
        static final int READAHEAD_AFTER = 2;
        static final int READAHEAD_BYTES = 256 << 10;
        private byte[] buf;
        private long start;
        private int length;
        private long lastEnd = -1;
        private int sequential;
        /** The decoded block of a scan, reused from block to block. */
        private final byte[][] block = new byte[1][];
    }

    /** Returns the data block at {@code h}, from the cache if present, else read (through {@code ra} if given). */
    Block dataBlock(final long offset, final int size, final boolean fillCache, final Readahead ra)
        throws IOException {
        if (ra == null) {
            return dataBlock(offset, size, fillCache);
        }
        final long end = offset + size + 5;
        // a cached block still counts as a step of the scan, or a scan over a partly cached table never reads ahead
        ra.sequential = offset == ra.lastEnd ? ra.sequential + 1 : 0;
        ra.lastEnd = end;
        if (cache != null) {
            final Block cached = cache.get(fileNumber, offset);
            if (cached != null) {
                return cached;
            }
        }
        if (ra.sequential >= Readahead.READAHEAD_AFTER) {
            return scanBlock(offset, size, end, ra);
        }
        final byte[] raw;
        if (ra.buf != null && offset >= ra.start && end <= ra.start + ra.length) {
            raw = decodeRaw(ra.buf, (int) (offset - ra.start), offset, size);
        } else {
            raw = readRaw(offset, size);
        }
        final Block b = new Block(raw, file.name(), offset);
        if (cache != null && fillCache) {
            cache.put(fileNumber, offset, b);
        }
        return b;
    }

    /** A block of a sequential scan: through the readahead buffer, decoded into the reused block buffer. */
    private Block scanBlock(final long offset, final int size, final long end, final Readahead ra)
        throws IOException {
        if (ra.buf == null || offset < ra.start || end > ra.start + ra.length) {
            final int want = (int) Math.max(end - offset, Readahead.READAHEAD_BYTES);
            if (ra.buf == null || ra.buf.length < want) {
                ra.buf = new byte[want];
            }
            ra.start = offset;
            ra.length = readUpTo(offset, ra.buf, want);
            if (ra.length < end - offset) {
                throw new CorruptionException(file.name(), offset, "truncated block read");
            }
        }
        final int length = decodeInto(ra.buf, (int) (offset - ra.start), offset, size, ra.block);
        return new Block(ra.block[0], length, file.name(), offset);
    }

    private int readUpTo(final long pos, final byte[] out, final int len) throws IOException {
        int done = 0;
        while (done < len) {
            final int n = file.read(pos + done, out, done, len - done);
            if (n <= 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** Returns the data block at {@code h}, from the cache if present. */
    Block dataBlock(final long offset, final int size, final boolean fillCache) throws IOException {
        if (cache != null) {
            final Block cached = cache.get(fileNumber, offset);
            if (cached != null) {
                return cached;
            }
        }
        final Block b = new Block(readRaw(offset, size), file.name(), offset);
        if (cache != null && fillCache) {
            cache.put(fileNumber, offset, b);
        }
        return b;
    }

    TableIndex index() {
        return index;
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
        final byte[] seek = lookup.seekKey();
        final int blockIndex = index.seek(seek);
        if (blockIndex >= index.size()) {
            return;
        }
        final BlockIterator[] scratch = GET_SCRATCH.get();
        final Block block = dataBlock(index.blockOffset(blockIndex), index.blockSize(blockIndex), true);
        final BlockIterator bi = scratch[0] == null ? (scratch[0] = block.iterator(globalSeq))
            : scratch[0].reset(block, globalSeq);
        try {
            bi.seek(seek);
            if (!bi.valid()
                || KeyComparator.compareUserPart(bi.keyArray(), 0, bi.keyLength(), lookup.userKey) != 0) {
                return;
            }
            final long trailer = InternalKey.trailerOf(bi.keyArray(), 0, bi.keyLength());
            if (InternalKey.seqOf(trailer) > lookup.snapshotSeq) {
                return;
            }
            lookup.found(InternalKey.kindOf(trailer), InternalKey.seqOf(trailer),
                Arrays.copyOfRange(bi.valueArray(), bi.valueOffset(), bi.valueOffset() + bi.valueLength()));
        } finally {
            bi.detach();
        }
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
    public long approximateOffsetOf(final byte[] internalKey) {
        final int i = index.seek(internalKey);
        return i >= index.size() ? properties.dataBytes() : index.blockOffset(i);
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
