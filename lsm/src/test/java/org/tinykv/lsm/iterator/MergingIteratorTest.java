package org.tinykv.lsm.iterator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;

/**
 * The merging iterator against a sorted model: random children (1 to 9, some empty, with runs that interleave or lie
 * apart), random walks of next, prev, seek, seekForPrev, seekToFirst and seekToLast. Replay a failure with
 * {@code -Dlsm.seed=<seed>}.
 */
class MergingIteratorTest {

    /** An iterator over sorted internal keys held in memory; its value is the key's position in the child. */
    private static final class SortedArrayIterator extends InternalIterator {
        private final byte[][] keys;
        private final byte[][] values;
        private int at = -1;

        SortedArrayIterator(final List<byte[]> sortedKeys) {
            this.keys = sortedKeys.toArray(new byte[0][]);
            this.values = new byte[keys.length][];
            for (int i = 0; i < keys.length; i++) {
                values[i] = ("v" + Arrays.toString(keys[i])).getBytes();
            }
        }

        private void moveTo(final int i) {
            at = i;
            if (i < 0 || i >= keys.length) {
                setInvalid();
            } else {
                setEntry(keys[i], 0, keys[i].length, values[i], 0, values[i].length);
            }
        }

        @Override
        public void seekToFirst() {
            moveTo(0);
        }

        @Override
        public void seekToLast() {
            moveTo(keys.length - 1);
        }

        @Override
        public void seek(final byte[] target) {
            int i = 0;
            while (i < keys.length && KeyComparator.INTERNAL.compare(keys[i], target) < 0) {
                i++;
            }
            moveTo(i);
        }

        @Override
        public void next() {
            moveTo(at + 1);
        }

        @Override
        public void prev() {
            moveTo(at - 1);
        }
    }

    @Test
    void randomWalksMatchASortedModel() throws IOException {
        final long base = Long.getLong("lsm.seed", System.nanoTime());
        final int runs = Long.getLong("lsm.seed") != null ? 1 : 200;
        System.out.println("MergingIteratorTest seeds " + base + ".." + (base + runs - 1));
        for (int run = 0; run < runs; run++) {
            final long seed = base + run;
            try {
                walk(new SplittableRandom(seed));
            } catch (final AssertionError | RuntimeException e) {
                throw new AssertionError("failed with -Dlsm.seed=" + seed, e);
            }
        }
    }

    private static void walk(final SplittableRandom rnd) throws IOException {
        final TreeMap<byte[], byte[]> model = new TreeMap<>(KeyComparator.INTERNAL);
        final int childCount = 1 + rnd.nextInt(9);
        final List<InternalIterator> children = new ArrayList<>();
        long seq = 1;
        for (int c = 0; c < childCount; c++) {
            final List<byte[]> keys = new ArrayList<>();
            final int n = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(60);
            // a child's keys either spread over the whole space (interleaving) or sit in a band of their own
            final int bandStart = rnd.nextBoolean() ? 0 : c * 40;
            final int bandWidth = bandStart == 0 ? 400 : 40;
            for (int i = 0; i < n; i++) {
                final byte[] user = userKey(bandStart + rnd.nextInt(bandWidth));
                keys.add(InternalKey.encode(user, seq++, 1));
            }
            keys.sort(KeyComparator.INTERNAL);
            final SortedArrayIterator child = new SortedArrayIterator(keys);
            for (int i = 0; i < child.keys.length; i++) {
                model.put(child.keys[i], child.values[i]);
            }
            children.add(child);
        }
        final List<byte[]> sorted = new ArrayList<>(model.keySet());
        final MergingIterator merged = new MergingIterator(children);
        int expected = -1;
        for (int step = 0; step < 300; step++) {
            final int op = rnd.nextInt(10);
            if (op < 4 && expected >= 0 && expected < sorted.size()) {
                merged.next();
                expected++;
            } else if (op < 7 && expected >= 0 && expected < sorted.size()) {
                merged.prev();
                expected--;
            } else if (op == 7) {
                final byte[] target = InternalKey.encode(userKey(rnd.nextInt(420)), rnd.nextLong(seq + 1), 1);
                merged.seek(target);
                expected = ceiling(sorted, target);
            } else if (op == 8) {
                final byte[] target = InternalKey.encode(userKey(rnd.nextInt(420)), rnd.nextLong(seq + 1), 1);
                merged.seekForPrev(target);
                expected = ceiling(sorted, target);
                if (expected == sorted.size()
                    || KeyComparator.INTERNAL.compare(sorted.get(expected), target) > 0) {
                    expected--;
                }
            } else if (rnd.nextBoolean()) {
                merged.seekToFirst();
                expected = 0;
            } else {
                merged.seekToLast();
                expected = sorted.size() - 1;
            }
            final boolean inRange = expected >= 0 && expected < sorted.size();
            assertEquals(inRange, merged.valid(), "step " + step + " op " + op);
            if (inRange) {
                final byte[] key = Arrays.copyOfRange(merged.keyArray(), merged.keyOffset(),
                    merged.keyOffset() + merged.keyLength());
                assertArrayEquals(sorted.get(expected), key, "step " + step + " op " + op);
                final byte[] value = Arrays.copyOfRange(merged.valueArray(), merged.valueOffset(),
                    merged.valueOffset() + merged.valueLength());
                assertArrayEquals(model.get(sorted.get(expected)), value, "step " + step);
            }
        }
        merged.close();
    }

    private static int ceiling(final List<byte[]> sorted, final byte[] target) {
        int i = 0;
        while (i < sorted.size() && KeyComparator.INTERNAL.compare(sorted.get(i), target) < 0) {
            i++;
        }
        return i;
    }

    private static byte[] userKey(final int n) {
        return String.format("k%05d", n).getBytes();
    }
}
