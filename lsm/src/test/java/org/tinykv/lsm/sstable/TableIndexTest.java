package org.tinykv.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.key.ValueKind;

/**
 * The decoded index finds the same block as a linear scan of the separators, for keys that share long prefixes,
 * keys shorter than the shared prefix plus a word, equal user keys with different sequence numbers, and targets
 * before, between, on and after the separators.
 */
class TableIndexTest {

    @Test
    void seekMatchesALinearScan() throws Exception {
        final long seed = Long.getLong("lsm.seed", System.nanoTime());
        System.out.println("TableIndexTest seed " + seed + " (replay with -Dlsm.seed=" + seed + ")");
        final Random rnd = new Random(seed);
        for (int round = 0; round < 200; round++) {
            try {
                checkRound(rnd, round % 4 == 3 ? 1000 + round : -1);
            } catch (final Throwable t) {
                throw new AssertionError("round " + round + " failed with -Dlsm.seed=" + seed, t);
            }
        }
    }

    @Test
    void emptyIndexSeeksToItsEnd() throws Exception {
        final BlockBuilder b = new BlockBuilder(1);
        final TableIndex index = TableIndex.decode(new Block(b.finish(), "t", 0), -1);
        assertEquals(0, index.size());
        assertEquals(0, index.seek(InternalKey.encode(new byte[] {1}, 5, ValueKind.PUT.code())));
    }

    private static void checkRound(final Random rnd, final long globalSeq) throws Exception {
        final byte[] prefix = randomBytes(rnd, rnd.nextInt(12));
        final TreeSet<byte[]> users = new TreeSet<>(Arrays::compareUnsigned);
        final int n = 1 + rnd.nextInt(300);
        while (users.size() < n) {
            final byte[] tail = randomBytes(rnd, rnd.nextInt(14));
            users.add(concat(prefix, tail));
        }
        final List<byte[]> separators = new ArrayList<>();
        long seq = 1_000_000;
        for (final byte[] u : users) {
            final int versions = rnd.nextInt(8) == 0 ? 2 : 1;
            for (int v = 0; v < versions; v++) {
                separators.add(InternalKey.encode(u, seq--, ValueKind.PUT.code()));
            }
        }
        final BlockBuilder b = new BlockBuilder(1 + rnd.nextInt(16));
        for (int i = 0; i < separators.size(); i++) {
            final byte[] handle = new BlockHandle(4096L * i, 100 + i).encode();
            final byte[] k = separators.get(i);
            b.add(k, 0, k.length, handle, 0, handle.length);
        }
        final TableIndex index = TableIndex.decode(new Block(b.finish(), "t", 0), globalSeq);
        assertEquals(separators.size(), index.size());
        final List<byte[]> effective = new ArrayList<>();
        for (final byte[] k : separators) {
            effective.add(globalSeq < 0 ? k
                : InternalKey.encode(InternalKey.userKey(k), globalSeq, ValueKind.PUT.code()));
        }
        for (int i = 0; i < separators.size(); i++) {
            assertEquals(4096L * i, index.blockOffset(i));
            assertEquals(100 + i, index.blockSize(i));
        }
        for (int q = 0; q < 300; q++) {
            final byte[] target = randomTarget(rnd, prefix, separators);
            assertEquals(linearSeek(effective, target), index.seek(target), () -> "target " + Arrays.toString(target));
        }
    }

    private static byte[] randomTarget(final Random rnd, final byte[] prefix, final List<byte[]> separators) {
        final byte[] base = InternalKey.userKey(separators.get(rnd.nextInt(separators.size())));
        final byte[] user = switch (rnd.nextInt(6)) {
            case 0 -> base;
            case 1 -> concat(base, randomBytes(rnd, 1 + rnd.nextInt(3)));
            case 2 -> Arrays.copyOf(base, rnd.nextInt(base.length + 1));
            case 3 -> concat(prefix, randomBytes(rnd, rnd.nextInt(10)));
            case 4 -> Arrays.copyOf(prefix, rnd.nextInt(prefix.length + 1));
            default -> randomBytes(rnd, rnd.nextInt(20));
        };
        final long seq = rnd.nextBoolean() ? InternalKey.MAX_SEQ : 1 + rnd.nextInt(2_000_000);
        return InternalKey.encode(user, seq, ValueKind.PUT.code());
    }

    private static int linearSeek(final List<byte[]> keys, final byte[] target) {
        for (int i = 0; i < keys.size(); i++) {
            final byte[] k = keys.get(i);
            if (KeyComparator.compareInternal(k, 0, k.length, target, 0, target.length) >= 0) {
                return i;
            }
        }
        return keys.size();
    }

    private static byte[] randomBytes(final Random rnd, final int n) {
        final byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            // a small alphabet including 0x00 and 0xff makes equal words, zero padding and sign bits matter
            b[i] = (byte) new int[] {0x00, 0x01, 0x30, 0x7f, 0x80, 0xfe, 0xff}[rnd.nextInt(7)];
        }
        return b;
    }

    private static byte[] concat(final byte[] a, final byte[] b) {
        final byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
