package org.tinykv.lsm.compaction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.version.FileMetadata;
import org.tinykv.lsm.version.Version;

/**
 * Leveled compaction picking: a score per level (L0: file count over the trigger; deeper levels: bytes over the
 * level target, which grows by the multiplier per level), the highest score at or above 1 wins. Within a level,
 * files are taken round-robin by key.
 *
 * <p>Thread-safety: confined to the compaction thread.
 */
public final class CompactionPicker {

    private final int l0Trigger;
    private final long levelBase;
    private final int multiplier;
    private final byte[][][] cursors = new byte[Version.MAX_CFS][Version.NUM_LEVELS][];

    /** Creates a picker with the Db's thresholds. */
    public CompactionPicker(final int l0Trigger, final long levelBase, final int multiplier) {
        this.l0Trigger = l0Trigger;
        this.levelBase = levelBase;
        this.multiplier = multiplier;
    }

    /** Target bytes of {@code level >= 1}. */
    public long levelTarget(final int level) {
        long t = levelBase;
        for (int i = 1; i < level; i++) {
            t *= multiplier;
        }
        return t;
    }

    /** Score of a level: >= 1 means it needs compaction. */
    public double score(final Version v, final int cf, final int level) {
        if (level == 0) {
            return v.files(cf, 0).size() / (double) l0Trigger;
        }
        return v.levelBytes(cf, level) / (double) levelTarget(level);
    }

    /** Estimated bytes that compactions must still rewrite (for stats). */
    public long pendingBytes(final Version v, final int cf) {
        long sum = 0;
        if (v.files(cf, 0).size() >= l0Trigger) {
            sum += v.levelBytes(cf, 0);
        }
        for (int level = 1; level < Version.NUM_LEVELS - 1; level++) {
            sum += Math.max(0, v.levelBytes(cf, level) - levelTarget(level));
        }
        return sum;
    }

    /** Picks the most needed compaction among {@code cfs}, or null. */
    public Compaction pick(final Version v, final int[] cfs) {
        double best = 1.0;
        int bestCf = -1;
        int bestLevel = -1;
        for (final int cf : cfs) {
            for (int level = 0; level < Version.NUM_LEVELS - 1; level++) {
                final double s = score(v, cf, level);
                if (s >= best) {
                    best = s;
                    bestCf = cf;
                    bestLevel = level;
                }
            }
        }
        if (bestCf < 0) {
            return null;
        }
        if (bestLevel == 0) {
            return forInputs(v, bestCf, 0, v.files(bestCf, 0), false);
        }
        final List<FileMetadata> files = v.files(bestCf, bestLevel);
        final byte[] cursor = cursors[bestCf][bestLevel];
        FileMetadata chosen = files.get(0);
        if (cursor != null) {
            for (final FileMetadata f : files) {
                if (KeyComparator.INTERNAL.compare(f.smallest(), cursor) > 0) {
                    chosen = f;
                    break;
                }
            }
        }
        cursors[bestCf][bestLevel] = chosen.largest();
        return forInputs(v, bestCf, bestLevel, List.of(chosen), false);
    }

    /** Builds a compaction of {@code inputs} at {@code level} with the overlapping files of the next level. */
    public static Compaction forInputs(final Version v, final int cf, final int level,
                                       final List<FileMetadata> inputs, final boolean manual) {
        byte[] lo = null;
        byte[] hi = null;
        for (final FileMetadata f : inputs) {
            final byte[] s = f.smallestUserKey();
            final byte[] l = f.largestUserKey();
            lo = lo == null || Arrays.compareUnsigned(s, lo) < 0 ? s : lo;
            hi = hi == null || Arrays.compareUnsigned(l, hi) > 0 ? l : hi;
        }
        final List<FileMetadata> next = inputs.isEmpty() ? List.of() : v.overlapping(cf, level + 1, lo, hi);
        return new Compaction(cf, level, new ArrayList<>(inputs), next, manual);
    }
}
