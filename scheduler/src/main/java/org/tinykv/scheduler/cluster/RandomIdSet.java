package org.tinykv.scheduler.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/** A set of ids with O(1) add, remove and uniform random pick. Not thread-safe. */
final class RandomIdSet {

    private long[] ids = new long[8];
    private int size;
    private final Map<Long, Integer> index = new HashMap<>();

    void add(long id) {
        if (index.containsKey(id)) {
            return;
        }
        if (size == ids.length) {
            long[] bigger = new long[size * 2];
            System.arraycopy(ids, 0, bigger, 0, size);
            ids = bigger;
        }
        ids[size] = id;
        index.put(id, size);
        size++;
    }

    void remove(long id) {
        Integer pos = index.remove(id);
        if (pos == null) {
            return;
        }
        size--;
        if (pos != size) {
            long last = ids[size];
            ids[pos] = last;
            index.put(last, pos);
        }
    }

    int size() {
        return size;
    }

    long get(int i) {
        return ids[i];
    }

    /** Returns the position to start a random scan from. */
    int randomStart(RandomGenerator rnd) {
        return size == 0 ? 0 : rnd.nextInt(size);
    }
}
