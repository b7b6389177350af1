package org.tinykv.multiraft.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.Entry;

class EntryCacheTest {
    private static final long SEED = Long.getLong("multiraft.seed", 11L);

    @Test
    void matchesAModelUnderRandomAppends() {
        System.out.println("EntryCacheTest seed=" + SEED);
        final SplittableRandom rnd = new SplittableRandom(SEED);
        final EntryCache cache = new EntryCache(50, 1 << 20);
        final TreeMap<Long, Entry> log = new TreeMap<>();
        long last = 0;
        long term = 1;
        for (int round = 0; round < 2000; round++) {
            final long from = last == 0 ? 1 : Math.max(1, last + 1 - rnd.nextInt(5));
            if (from <= last) {
                term++;
            }
            final List<Entry> ents = new ArrayList<>();
            final int n = 1 + rnd.nextInt(8);
            for (int i = 0; i < n; i++) {
                ents.add(Entry.newBuilder().setIndex(from + i).setTerm(term).build());
            }
            log.tailMap(from, true).clear();
            for (final Entry e : ents) {
                log.put(e.getIndex(), e);
            }
            last = from + n - 1;
            cache.append(ents);
            assertEquals(last, cache.lastIndex(), "seed=" + SEED);
            final long first = cache.firstIndex();
            assertTrue(last - first + 1 <= 50 && first >= 1, "bounded to 50 entries, seed=" + SEED);
            assertTrue(last - first + 1 >= n, "holds at least the last append, seed=" + SEED);
            for (long i = first; i <= last; i++) {
                assertEquals(log.get(i), cache.get(i), "index " + i + " seed=" + SEED);
            }
            assertNull(cache.get(last + 1));
            final List<Entry> out = new ArrayList<>();
            cache.copy(first, last + 1, Long.MAX_VALUE, out, 0);
            assertEquals(new ArrayList<>(log.subMap(first, true, last, true).values()), out);
        }
    }
}
