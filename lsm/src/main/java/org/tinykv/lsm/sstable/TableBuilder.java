package org.tinykv.lsm.sstable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.key.RangeTombstone;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.wal.codec.Crc32c;
import org.tinykv.wal.codec.Fixed;
import org.tinykv.wal.codec.Varint;
import org.tinykv.wal.fs.WritableFile;

/**
 * Writes a table file: data blocks, then the filter, range-tombstone, properties and index blocks, then the footer.
 * See docs/formats/sst.md.
 *
 * <p>Thread-safety: confined to one thread. The caller syncs and closes the file after {@link #finish()}.
 */
public final class TableBuilder {

    private final WritableFile file;
    private final TableOptions options;
    private final BlockBuilder data;
    private final BlockBuilder index = new BlockBuilder(1);
    private final List<RangeTombstone> tombstones = new ArrayList<>();
    private final byte[] handleScratch = new byte[BlockHandle.MAX_ENCODED];
    private long[] hashes = new long[1024];
    private int hashCount;
    private long lastHash;
    private byte[] lastKey;
    private byte[] firstKey;
    private long offset;
    private long entries;
    private long deletions;
    private long rawKeyBytes;
    private long rawValueBytes;
    private long dataBlocks;
    private long minSeq = Long.MAX_VALUE;
    private long maxSeq = -1;
    private boolean finished;

    /** Creates a builder writing to {@code file} (positioned at its start). */
    public TableBuilder(final WritableFile file, final TableOptions options) {
        this.file = file;
        this.options = options.validate();
        this.data = new BlockBuilder(options.restartInterval());
    }

    /** Adds a point entry. Requires: internal keys strictly increasing. */
    public void add(final byte[] key, final int keyOff, final int keyLen,
                    final byte[] value, final int valueOff, final int valueLen) throws IOException {
        if (lastKey != null && KeyComparator.compareInternal(lastKey, 0, lastKey.length, key, keyOff, keyLen) >= 0) {
            throw new IllegalArgumentException("keys out of order");
        }
        if (keyLen < InternalKey.TRAILER_BYTES) {
            throw new IllegalArgumentException("internal key too short");
        }
        final long trailer = InternalKey.trailerOf(key, keyOff, keyLen);
        noteSeq(InternalKey.seqOf(trailer));
        if (InternalKey.kindOf(trailer) == ValueKind.DELETE.code()) {
            deletions++;
        }
        if (options.bloomBitsPerKey() > 0) {
            final long h = BloomFilter.hash(key, keyOff, keyLen - InternalKey.TRAILER_BYTES);
            final boolean sameUser = lastKey != null && h == lastHash
                && KeyComparator.sameUserKey(lastKey, 0, lastKey.length, key, keyOff, keyLen);
            if (!sameUser) {
                if (hashCount == hashes.length) {
                    hashes = BloomFilter.grow(hashes);
                }
                hashes[hashCount++] = h;
            }
            lastHash = h;
        }
        lastKey = Arrays.copyOfRange(key, keyOff, keyOff + keyLen);
        if (firstKey == null) {
            firstKey = lastKey;
        }
        data.add(key, keyOff, keyLen, value, valueOff, valueLen);
        entries++;
        rawKeyBytes += keyLen;
        rawValueBytes += valueLen;
        if (data.estimatedSize() >= options.blockSize()) {
            flushDataBlock();
        }
    }

    /** Adds a range tombstone {@code [begin, end)} at {@code seq}. */
    public void addRangeTombstone(final byte[] begin, final byte[] end, final long seq) {
        tombstones.add(new RangeTombstone(begin.clone(), end.clone(), seq));
        noteSeq(seq);
    }

    private void noteSeq(final long seq) {
        minSeq = Math.min(minSeq, seq);
        maxSeq = Math.max(maxSeq, seq);
    }

    /** Number of point entries added. */
    public long entries() {
        return entries;
    }

    /** Number of range tombstones added. */
    public long rangeTombstones() {
        return tombstones.size();
    }

    /** Bytes written so far plus the pending block. */
    public long estimatedFileSize() {
        return offset + data.estimatedSize();
    }

    private void flushDataBlock() throws IOException {
        if (data.isEmpty()) {
            return;
        }
        final byte[] last = data.lastKey();
        final BlockHandle h = writeBlock(data.finish(), options.compression());
        data.reset();
        dataBlocks++;
        final int n = h.encodeTo(handleScratch, 0);
        index.add(last, 0, last.length, handleScratch, 0, n);
    }

    private BlockHandle writeBlock(final byte[] raw, final Compression compression) throws IOException {
        byte[] contents = raw;
        Compression type = Compression.NONE;
        if (compression != Compression.NONE) {
            final byte[] c = compression.compress(raw, 0, raw.length);
            if (c != null && c.length < raw.length - raw.length / 8) {
                contents = c;
                type = compression;
            }
        }
        final BlockHandle handle = new BlockHandle(offset, contents.length);
        final byte[] trailer = new byte[5];
        trailer[0] = (byte) type.code();
        final CRC32C crc = new CRC32C();
        crc.update(contents, 0, contents.length);
        crc.update(trailer[0]);
        Fixed.putInt(trailer, 1, Crc32c.mask((int) crc.getValue()));
        file.append(contents, 0, contents.length);
        file.append(trailer, 0, 5);
        offset += contents.length + 5L;
        return handle;
    }

    /** Writes the remaining blocks and the footer; returns the table's properties. */
    public TableProperties finish() throws IOException {
        if (finished) {
            throw new IllegalStateException("already finished");
        }
        finished = true;
        flushDataBlock();
        final long dataBytes = offset;
        final byte[] filter = options.bloomBitsPerKey() > 0
            ? BloomFilter.build(hashes, hashCount, options.bloomBitsPerKey()) : new byte[0];
        final BlockHandle filterHandle = writeBlock(filter, Compression.NONE);
        final BlockHandle rangeHandle = writeBlock(encodeTombstones(tombstones), Compression.NONE);
        final byte[] indexBlock = index.finish();
        final TableProperties props = new TableProperties(entries, deletions, tombstones.size(), rawKeyBytes,
            rawValueBytes, dataBlocks, dataBytes, indexBlock.length, filter.length,
            firstKey == null ? new byte[0] : firstKey, lastKey == null ? new byte[0] : lastKey,
            maxSeq < 0 ? 0 : minSeq, Math.max(0, maxSeq), options.compression());
        final BlockHandle propsHandle = writeBlock(props.encode(), Compression.NONE);
        final BlockHandle indexHandle = writeBlock(indexBlock, Compression.NONE);
        final byte[] footer = new Footer(filterHandle, rangeHandle, propsHandle, indexHandle).encode();
        file.append(footer, 0, footer.length);
        offset += footer.length;
        file.flush();
        return props;
    }

    /** Size of the file after {@link #finish()}. */
    public long fileSize() {
        return offset;
    }

    /** Encodes a range-tombstone block: varint count, then (begin, end, seq) each. */
    static byte[] encodeTombstones(final List<RangeTombstone> list) {
        int size = 5;
        for (final RangeTombstone t : list) {
            size += 30 + t.begin().length + t.end().length;
        }
        final byte[] out = new byte[size];
        int p = Varint.put(out, 0, list.size());
        for (final RangeTombstone t : list) {
            p = Varint.put(out, p, t.begin().length);
            System.arraycopy(t.begin(), 0, out, p, t.begin().length);
            p += t.begin().length;
            p = Varint.put(out, p, t.end().length);
            System.arraycopy(t.end(), 0, out, p, t.end().length);
            p += t.end().length;
            p = Varint.put(out, p, t.seq());
        }
        return Arrays.copyOf(out, p);
    }

    /** Decodes a range-tombstone block; {@code globalSeq >= 0} replaces every sequence number. */
    static List<RangeTombstone> decodeTombstones(final byte[] in, final long globalSeq) throws IOException {
        final Varint.Cursor c = new Varint.Cursor(0);
        if (in.length == 0) {
            return List.of();
        }
        final int count = Varint.getInt(in, c, in.length);
        final List<RangeTombstone> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            final byte[] b = readBytes(in, c);
            final byte[] e = readBytes(in, c);
            final long s = Varint.get(in, c, in.length);
            out.add(new RangeTombstone(b, e, globalSeq >= 0 ? globalSeq : s));
        }
        return out;
    }

    private static byte[] readBytes(final byte[] in, final Varint.Cursor c) throws IOException {
        final int len = Varint.getInt(in, c, in.length);
        if (len < 0 || (long) c.position() + len > in.length) {
            throw new IOException("range tombstone overruns its block");
        }
        final byte[] out = Arrays.copyOfRange(in, c.position(), c.position() + len);
        c.skip(len);
        return out;
    }
}
