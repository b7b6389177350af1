package org.tinykv.lsm.sstable;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.wal.CorruptionException;

/**
 * A table's index block decoded once at open into flat arrays, so that a seek is a binary search over a
 * {@code long[]} instead of over the block's restart points (two dependent memory loads and a key decode per step),
 * and a block handle is two array reads instead of two varints and an object.
 *
 * <p>Every separator key shares the table's common prefix; {@link #words} holds the next eight bytes of each key's
 * user part after that prefix (big-endian, zero padded), so word order is the order of the user keys wherever two
 * words differ, and only equal words fall back to comparing the whole internal keys.
 *
 * <p>Thread-safety: immutable after construction, safe.
 */
final class TableIndex {

    private static final VarHandle BIG_ENDIAN_LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] keys;
    /** Entry {@code i}'s key is {@code keys[keyStarts[i], keyStarts[i + 1])}. */
    private final int[] keyStarts;
    /** Block {@code i}'s offset at {@code 2i} and size at {@code 2i + 1}: one cache line serves both. */
    private final long[] handles;
    private final long[] words;
    private final int prefixLength;
    private final int count;

    private TableIndex(final byte[] keys, final int[] keyStarts, final long[] handles, final int count) {
        this.keys = keys;
        this.keyStarts = keyStarts;
        this.handles = handles;
        this.count = count;
        this.prefixLength = count == 0 ? 0 : commonUserPrefix(0, count - 1);
        this.words = new long[count];
        for (int i = 0; i < count; i++) {
            words[i] = word(keys, keyStarts[i] + prefixLength, userLength(i) - prefixLength);
        }
    }

    /**
     * Decodes {@code index} (keys with their trailers rewritten to {@code globalSeq} when it is {@code >= 0}).
     *
     * @throws CorruptionException if an entry or a block handle is malformed
     */
    static TableIndex decode(final Block index, final long globalSeq) throws IOException {
        final BlockIterator it = index.iterator(globalSeq);
        byte[] keys = new byte[Math.max(64, index.data.length)];
        int[] starts = new int[65];
        long[] handles = new long[128];
        int n = 0;
        int used = 0;
        for (it.seekToFirst(); it.valid(); it.next()) {
            if (2 * n == handles.length) {
                handles = Arrays.copyOf(handles, 4 * n);
                starts = Arrays.copyOf(starts, 2 * n + 1);
            }
            final int len = it.keyLength();
            if (used + len > keys.length) {
                keys = Arrays.copyOf(keys, Math.max(used + len, 2 * keys.length));
            }
            System.arraycopy(it.keyArray(), it.keyOffset(), keys, used, len);
            starts[n] = used;
            used += len;
            final BlockHandle h;
            try {
                h = BlockHandle.decode(it.valueArray(), it.valueOffset(), it.valueLength());
            } catch (final CorruptionException e) {
                throw e;
            } catch (final IOException e) {
                throw new CorruptionException(index.file, index.fileOffset, "bad index entry " + n + ": "
                    + e.getMessage());
            }
            handles[2 * n] = h.offset();
            handles[2 * n + 1] = h.size();
            n++;
        }
        starts[n] = used;
        return new TableIndex(Arrays.copyOf(keys, used), Arrays.copyOf(starts, n + 1), Arrays.copyOf(handles, 2 * n),
            n);
    }

    private int userLength(final int i) {
        return keyStarts[i + 1] - keyStarts[i] - InternalKey.TRAILER_BYTES;
    }

    /** The length of the user-key prefix shared by entries {@code a} and {@code b} (so by all between them). */
    private int commonUserPrefix(final int a, final int b) {
        final int la = userLength(a);
        final int lb = userLength(b);
        final int m = Arrays.mismatch(keys, keyStarts[a], keyStarts[a] + la, keys, keyStarts[b], keyStarts[b] + lb);
        return m < 0 ? la : m;
    }

    /** Up to eight bytes of {@code a[off, off + len)} as a big-endian word, zero padded on the right. */
    private static long word(final byte[] a, final int off, final int len) {
        if (len >= Long.BYTES) {
            return (long) BIG_ENDIAN_LONGS.get(a, off);
        }
        long w = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            w = (w << 8) | (i < len ? a[off + i] & 0xff : 0);
        }
        return w;
    }

    /** Number of data blocks. */
    int size() {
        return count;
    }

    long blockOffset(final int i) {
        return handles[2 * i];
    }

    int blockSize(final int i) {
        return (int) handles[2 * i + 1];
    }

    /** The index (= data block) of the first separator at or after the internal key {@code target}; size() if none. */
    int seek(final byte[] target) {
        final int targetUser = target.length - InternalKey.TRAILER_BYTES;
        if (count == 0) {
            return 0;
        }
        final int first = keyStarts[0];
        final int shared = Math.min(prefixLength, targetUser);
        final int c = Arrays.compareUnsigned(keys, first, first + shared, target, 0, shared);
        if (c != 0 || targetUser < prefixLength) {
            // the target sorts before every separator, or after all of them, by the common prefix alone
            return c >= 0 ? 0 : count;
        }
        final long targetWord = word(target, prefixLength, targetUser - prefixLength);
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            final long w = words[mid];
            final int cmp = w != targetWord ? Long.compareUnsigned(w, targetWord)
                : KeyComparator.compareInternal(keys, keyStarts[mid], keyStarts[mid + 1] - keyStarts[mid],
                    target, 0, target.length);
            if (cmp < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
