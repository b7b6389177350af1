package org.tinykv.txn.latch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Latches: exclusion on shared keys, parallelism on disjoint keys, FIFO order, no deadlock. */
@SuppressWarnings("try")
class LatchesTest {
    private static final long SEED = Long.getLong("txn.latch.seed", System.nanoTime());

    private static byte[] key(int i) {
        return new byte[] {(byte) i, (byte) (i >> 8)};
    }

    @Test
    void slotCountRoundsUpToPowerOfTwo() {
        assertEquals(1, new Latches(1).slotCount());
        assertEquals(8, new Latches(5).slotCount());
        assertEquals(256, new Latches(256).slotCount());
        assertThrows(IllegalArgumentException.class, () -> new Latches(0));
    }

    @Test
    void sameKeyBlocksUntilReleased() throws Exception {
        Latches latches = new Latches(64);
        Latches.Guard first = latches.acquire(List.of(key(1), key(2)));
        CountDownLatch acquired = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (Latches.Guard g = latches.acquire(List.of(key(2)))) {
                acquired.countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        assertFalse(acquired.await(100, TimeUnit.MILLISECONDS), "second command ran while the key was held");
        first.close();
        assertTrue(acquired.await(10, TimeUnit.SECONDS));
        t.join();
        first.close(); // idempotent
    }

    @Test
    void disjointKeysRunInParallel() throws Exception {
        Latches latches = new Latches(1024);
        byte[] a = key(1);
        byte[] b = key(2);
        int i = 2;
        while (latches.slotOf(b) == latches.slotOf(a)) {
            b = key(++i);
        }
        byte[] other = b;
        CountDownLatch bothIn = new CountDownLatch(2);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable holdA = () -> run(latches, a, bothIn, failure);
        Runnable holdB = () -> run(latches, other, bothIn, failure);
        Thread ta = new Thread(holdA);
        Thread tb = new Thread(holdB);
        ta.start();
        tb.start();
        ta.join();
        tb.join();
        assertEquals(null, failure.get());
    }

    private static void run(Latches latches, byte[] k, CountDownLatch bothIn, AtomicReference<Throwable> failure) {
        try (Latches.Guard g = latches.acquire(List.of(k))) {
            bothIn.countDown();
            if (!bothIn.await(10, TimeUnit.SECONDS)) {
                failure.set(new AssertionError("disjoint commands did not overlap"));
            }
        } catch (InterruptedException e) {
            failure.set(e);
        }
    }

    @Test
    void waitersAreGrantedInArrivalOrder() throws Exception {
        Latches latches = new Latches(16);
        Latches.Guard holder = latches.acquire(List.of(key(7)));
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try (Latches.Guard g = latches.acquire(List.of(key(7)))) {
                    order.add(id);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            // wait until thread i is queued before starting i+1
            while (t.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            threads.add(t);
        }
        holder.close();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(0, 1, 2, 3, 4), order);
    }

    @Test
    void slotsAreDistinctAndAscendingWhateverTheKeyOrder() throws Exception {
        Latches latches = new Latches(8);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 40; i > 0; i--) {
            keys.add(key(i));
            keys.add(key(i)); // duplicates share a slot
        }
        try (Latches.Guard g = latches.acquire(keys)) {
            int[] held = g.slots();
            int[] expected = keys.stream().mapToInt(latches::slotOf).sorted().distinct().toArray();
            assertEquals(Arrays.toString(expected), Arrays.toString(held));
        }
        try (Latches.Guard g = latches.acquire(List.of())) {
            assertEquals(0, g.slots().length);
        }
    }

    @Test
    void interruptedWaiterHoldsNothing() throws Exception {
        Latches latches = new Latches(16);
        Latches.Guard holder = latches.acquire(List.of(key(9)));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                latches.acquire(List.of(key(3), key(9)));
            } catch (InterruptedException e) {
                thrown.set(e);
            }
        });
        t.start();
        while (t.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }
        t.interrupt();
        t.join();
        assertTrue(thrown.get() instanceof InterruptedException);
        holder.close();
        try (Latches.Guard g = latches.acquire(List.of(key(3), key(9)))) {
            assertEquals(2, g.slots().length);
        }
    }

    @Test
    void randomOverlappingCommandsAreMutuallyExclusiveAndDeadlockFree() throws Exception {
        String seedMsg = "seed=" + SEED + " (replay with -Dtxn.latch.seed=" + SEED + ")";
        System.out.println("LatchesTest " + seedMsg);
        Latches latches = new Latches(32);
        int keys = 40;
        AtomicInteger[] inUse = new AtomicInteger[keys];
        for (int i = 0; i < keys; i++) {
            inUse[i] = new AtomicInteger();
        }
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            SplittableRandom rnd = new SplittableRandom(SEED + t);
            threads.add(new Thread(() -> {
                for (int op = 0; op < 300; op++) {
                    List<Integer> ks = new ArrayList<>();
                    for (int j = 0; j < 1 + rnd.nextInt(4); j++) {
                        ks.add(rnd.nextInt(keys));
                    }
                    List<byte[]> raw = new ArrayList<>();
                    ks.forEach(k -> raw.add(key(k)));
                    try (Latches.Guard g = latches.acquire(raw)) {
                        for (int k : ks.stream().distinct().toList()) {
                            if (inUse[k].incrementAndGet() != 1) {
                                failure.set("key " + k + " held twice; " + seedMsg);
                            }
                        }
                        Thread.yield();
                        for (int k : ks.stream().distinct().toList()) {
                            inUse[k].decrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        failure.set("interrupted");
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(60_000);
            assertFalse(t.isAlive(), "deadlock; " + seedMsg);
        }
        assertEquals(null, failure.get());
    }
}
