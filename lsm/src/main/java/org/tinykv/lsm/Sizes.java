package org.tinykv.lsm;

import java.io.IOException;
import java.util.Arrays;
import org.tinykv.lsm.cache.TableCache;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.sstable.TableReader;
import org.tinykv.lsm.version.FileMetadata;
import org.tinykv.lsm.version.Version;

/**
 * Approximate sizes of key ranges, from table index offsets (memtables are not counted).
 *
 * <p>Thread-safety: stateless, safe.
 */
final class Sizes {

    private Sizes() {
    }

    static long approximate(final Version v, final int cf, final TableCache tables, final byte[] begin,
                            final byte[] end) {
        long total = 0;
        for (int level = 0; level < Version.NUM_LEVELS; level++) {
            for (final FileMetadata f : v.overlapping(cf, level, begin, end)) {
                final boolean wholeStart = begin == null || Arrays.compareUnsigned(f.smallestUserKey(), begin) >= 0;
                final boolean wholeEnd = end == null || Arrays.compareUnsigned(f.largestUserKey(), end) < 0;
                if (wholeStart && wholeEnd) {
                    total += f.size();
                    continue;
                }
                try {
                    final TableReader t = tables.acquire(f.number(), f.globalSeq());
                    try {
                        final long from = wholeStart ? 0
                            : t.approximateOffsetOf(InternalKey.seekKey(begin, InternalKey.MAX_SEQ));
                        final long to = wholeEnd ? f.size()
                            : t.approximateOffsetOf(InternalKey.seekKey(end, InternalKey.MAX_SEQ));
                        total += Math.max(0, to - from);
                    } finally {
                        t.release();
                    }
                } catch (final IOException e) {
                    total += f.size() / 2;
                }
            }
        }
        return total;
    }
}
