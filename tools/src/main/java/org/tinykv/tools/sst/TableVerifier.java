package org.tinykv.tools.sst;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.lsm.sstable.Block;
import org.tinykv.lsm.sstable.BlockHandle;
import org.tinykv.lsm.sstable.BlockIterator;
import org.tinykv.lsm.sstable.BloomFilter;
import org.tinykv.lsm.sstable.Footer;
import org.tinykv.lsm.sstable.TableProperties;
import org.tinykv.tools.format.Bytes;
import org.tinykv.tools.format.KeyText;
import org.tinykv.wal.CorruptionException;

/**
 * Checks a whole table file against docs/formats/sst.md: the checksum of every block (meta and data), every data
 * entry (decodable, a point kind, internal keys strictly increasing across the file), each index key equal to the
 * last key of its data block, data blocks contiguous from offset 0 up to the filter block, every user key present
 * in the bloom filter, and the properties block agreeing with what the data blocks hold. The first problem found is
 * thrown as a {@link CorruptionException} naming the file and the offset of the block at fault.
 *
 * <p>Thread-safety: confined to one thread.
 */
final class TableVerifier {

    /**
     * What a successful verification covered.
     *
     * @param blocks     blocks whose checksum was verified (data and meta)
     * @param entries    point entries decoded
     * @param deletions  point tombstones among them
     */
    record Result(int blocks, long entries, long deletions) {
    }

    private final TableFile table;
    private final TableProperties props;
    private final long rangeTombstones;
    private byte[] prevKey;
    private long entries;
    private long deletions;
    private long minSeq = Long.MAX_VALUE;
    private long maxSeq = Long.MIN_VALUE;
    private byte[] firstKey;

    private TableVerifier(final TableFile table, final TableProperties props, final long rangeTombstones) {
        this.table = table;
        this.props = props;
        this.rangeTombstones = rangeTombstones;
    }

    /** Verifies {@code table}, whose engine reader decoded {@code props} and {@code rangeTombstones} tombstones. */
    static Result verify(final TableFile table, final TableProperties props, final long rangeTombstones)
        throws IOException {
        return new TableVerifier(table, props, rangeTombstones).run();
    }

    private Result run() throws IOException {
        final Footer f = table.footer();
        for (final BlockHandle h : List.of(f.filter(), f.rangeDel(), f.properties(), f.index())) {
            table.read(h);
        }
        final byte[] filter = table.read(f.filter()).contents();
        final List<IndexEntry> index = table.index();
        long expected = 0;
        for (int i = 0; i < index.size(); i++) {
            final IndexEntry e = index.get(i);
            if (e.handle().offset() != expected) {
                throw corrupt(f.index().offset(), "index entry " + i + " points at offset " + e.handle().offset()
                    + ", expected the next data block at " + expected);
            }
            checkDataBlock(i, e, filter);
            expected = e.handle().offset() + e.handle().size() + TableFile.TRAILER;
        }
        if (f.filter().offset() != expected) {
            throw corrupt(f.index().offset(), "data blocks end at " + expected + " but the filter block starts at "
                + f.filter().offset());
        }
        checkProperties(index.size(), expected);
        return new Result(4 + index.size(), entries, deletions);
    }

    private void checkDataBlock(final int i, final IndexEntry e, final byte[] filter) throws IOException {
        final long off = e.handle().offset();
        final Block block = new Block(table.read(e.handle()).contents(), table.name(), off);
        final BlockIterator it = block.iterator(-1);
        it.seekToFirst();
        if (!it.valid()) {
            throw corrupt(off, "data block " + i + " has no entries");
        }
        for (; it.valid(); it.next()) {
            final byte[] k = it.keyArray();
            final int ko = it.keyOffset();
            final int kl = it.keyLength();
            if (kl < InternalKey.TRAILER_BYTES) {
                throw corrupt(off, "entry " + entries + " has a " + kl + "-byte key, shorter than its trailer");
            }
            final long trailer = InternalKey.trailerOf(k, ko, kl);
            final ValueKind kind = ValueKind.fromCode(InternalKey.kindOf(trailer));
            if (kind != ValueKind.PUT && kind != ValueKind.DELETE) {
                throw corrupt(off, "entry " + entries + " (" + KeyText.internal(k, ko, kl)
                    + ") has kind code " + InternalKey.kindOf(trailer) + ", not a point entry");
            }
            if (prevKey != null && KeyComparator.compareInternal(prevKey, 0, prevKey.length, k, ko, kl) >= 0) {
                throw corrupt(off, "entry " + entries + " (" + KeyText.internal(k, ko, kl)
                    + ") is not after the previous key " + KeyText.internal(prevKey, 0, prevKey.length));
            }
            final boolean newUserKey = prevKey == null
                || !KeyComparator.sameUserKey(prevKey, 0, prevKey.length, k, ko, kl);
            if (newUserKey && !BloomFilter.mayContain(filter,
                BloomFilter.hash(k, ko, kl - InternalKey.TRAILER_BYTES))) {
                throw corrupt(table.footer().filter().offset(), "bloom filter does not contain user key "
                    + Bytes.both(k, ko, kl - InternalKey.TRAILER_BYTES));
            }
            prevKey = Arrays.copyOfRange(k, ko, ko + kl);
            if (firstKey == null) {
                firstKey = prevKey;
            }
            entries++;
            deletions += kind == ValueKind.DELETE ? 1 : 0;
            minSeq = Math.min(minSeq, InternalKey.seqOf(trailer));
            maxSeq = Math.max(maxSeq, InternalKey.seqOf(trailer));
        }
        if (!Arrays.equals(prevKey, e.lastKey())) {
            throw corrupt(table.footer().index().offset(), "index entry " + i + " key "
                + KeyText.internal(e.lastKey(), 0, e.lastKey().length) + " is not the last key of its block "
                + KeyText.internal(prevKey, 0, prevKey.length));
        }
    }

    private void checkProperties(final int dataBlocks, final long dataBytes) throws CorruptionException {
        final long at = table.footer().properties().offset();
        check(at, "entries", props.entries(), entries);
        check(at, "point deletions", props.deletions(), deletions);
        check(at, "range deletions", props.rangeDeletions(), rangeTombstones);
        check(at, "data blocks", props.dataBlocks(), dataBlocks);
        check(at, "data bytes", props.dataBytes(), dataBytes);
        if (entries > 0) {
            if (!Arrays.equals(props.smallestKey(), firstKey) || !Arrays.equals(props.largestKey(), prevKey)) {
                throw corrupt(at, "properties key range does not match the first and last data keys");
            }
            if (minSeq < props.minSeq() || maxSeq > props.maxSeq()) {
                throw corrupt(at, "data sequence numbers " + minSeq + ".." + maxSeq + " fall outside the "
                    + "properties range " + props.minSeq() + ".." + props.maxSeq());
            }
        }
    }

    private void check(final long at, final String what, final long claimed, final long found)
        throws CorruptionException {
        if (claimed != found) {
            throw corrupt(at, "properties say " + claimed + " " + what + " but the file holds " + found);
        }
    }

    private CorruptionException corrupt(final long offset, final String reason) {
        return new CorruptionException(table.name(), offset, reason);
    }
}
