package org.tinykv.lsm.version;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.key.ValueKind;

/**
 * Level-0 files grouped into runs for concatenating iterators: every file lands in exactly one run, each run is
 * sorted with user-key ranges that do not touch, and disjoint files make one run. Replay with {@code -Dlsm.seed=}.
 */
class VersionL0RunsTest {

    private static byte[] ik(final int userKey, final long seq) {
        return InternalKey.encode(String.format("k%05d", userKey).getBytes(StandardCharsets.UTF_8), seq,
            ValueKind.PUT.code());
    }

    private static FileMetadata file(final long number, final int lo, final int hi, final long seq) {
        return new FileMetadata(number, 100, ik(lo, seq), ik(hi, seq), seq, seq, -1, 2, 0);
    }

    @Test
    void disjointFilesMakeOneRunInKeyOrder() {
        final List<FileMetadata> l0 = List.of(file(3, 200, 299, 3), file(2, 100, 199, 2), file(1, 0, 99, 1));
        final List<List<FileMetadata>> runs = Version.disjointRuns(l0);
        assertEquals(1, runs.size());
        assertEquals(List.of(l0.get(2), l0.get(1), l0.get(0)), runs.get(0));
    }

    @Test
    void filesSharingAUserKeyAreNeverConcatenated() {
        final List<FileMetadata> l0 = List.of(file(2, 99, 150, 9), file(1, 0, 99, 1));
        assertEquals(2, Version.disjointRuns(l0).size());
    }

    @Test
    void randomFilesAreSplitIntoValidRuns() {
        final long seed = Long.getLong("lsm.seed", System.nanoTime());
        final SplittableRandom rnd = new SplittableRandom(seed);
        for (int round = 0; round < 200; round++) {
            final List<FileMetadata> l0 = new ArrayList<>();
            for (int i = 0, n = 1 + rnd.nextInt(12); i < n; i++) {
                final int lo = rnd.nextInt(1000);
                l0.add(file(i + 1, lo, lo + rnd.nextInt(200), i + 1));
            }
            final List<List<FileMetadata>> runs = Version.disjointRuns(l0);
            int total = 0;
            for (final List<FileMetadata> run : runs) {
                total += run.size();
                for (int i = 1; i < run.size(); i++) {
                    final byte[] prev = run.get(i - 1).largestUserKey();
                    final byte[] next = run.get(i).smallestUserKey();
                    assertTrue(KeyComparator.USER.compare(prev, next) < 0, "seed=" + seed);
                }
            }
            assertEquals(l0.size(), total, "seed=" + seed);
        }
    }
}
