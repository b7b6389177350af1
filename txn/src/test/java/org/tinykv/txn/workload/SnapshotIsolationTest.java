package org.tinykv.txn.workload;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;

/**
 * Randomized read-write transactions from concurrent clients, recorded as a history and checked for snapshot
 * isolation: every read returns the value of the last transaction that committed before the reader started
 * (no dirty or fuzzy reads), and no two committed transactions that overlap in time wrote the same key
 * (no lost updates).
 */
class SnapshotIsolationTest {
    private static final long SEED = Long.getLong("txn.si.seed", System.nanoTime());
    private static final int KEYS = 8;
    private static final int THREADS = 4;
    private static final int TXNS_PER_THREAD = 150;

    /** One finished transaction of the history. */
    record Rec(long startTs, long commitTs, boolean committed, Map<Integer, String> reads,
               Map<Integer, String> writes) {
    }

    private static ByteString key(int k) {
        return ByteString.copyFromUtf8("k" + k);
    }

    @Test
    void historiesAreSnapshotIsolated() throws Exception {
        String seedMsg = "seed=" + SEED + " (replay with -Dtxn.si.seed=" + SEED + ")";
        System.out.println("SnapshotIsolationTest " + seedMsg);
        TxnCommands cmds = new TxnCommands(new MemEngine(), new Latches(64));
        Tso tso = new Tso();
        List<Rec> history = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            SplittableRandom rnd = new SplittableRandom(SEED * 17 + t);
            Client client = new Client(cmds, tso);
            threads.add(new Thread(() -> {
                for (int n = 0; n < TXNS_PER_THREAD; n++) {
                    history.add(runOne(client, rnd, "t" + id + "-" + n));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(90_000);
            assertFalse(t.isAlive(), "client stuck; " + seedMsg);
        }
        Client.Txn last = new Client(cmds, tso).begin();
        Map<Integer, String> finalReads = new HashMap<>();
        for (int k = 0; k < KEYS; k++) {
            finalReads.put(k, str(last.get(key(k))));
        }
        history.add(new Rec(last.startTs, 0, false, finalReads, Map.of()));
        check(history, seedMsg);
    }

    private static String str(byte[] v) {
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private static Rec runOne(Client client, SplittableRandom rnd, String name) {
        Client.Txn txn = client.begin();
        Map<Integer, String> reads = new LinkedHashMap<>();
        Map<Integer, String> writes = new LinkedHashMap<>();
        int nReads = rnd.nextInt(4);
        for (int i = 0; i < nReads; i++) {
            int k = rnd.nextInt(KEYS);
            reads.putIfAbsent(k, str(txn.get(key(k))));
        }
        int nWrites = rnd.nextInt(3);
        for (int i = 0; i < nWrites; i++) {
            int k = rnd.nextInt(KEYS);
            String v = name + "/" + i;
            writes.put(k, v);
            txn.put(key(k), v.getBytes(StandardCharsets.UTF_8));
        }
        boolean committed = txn.commit(Client.Crash.NONE);
        return new Rec(txn.startTs, committed ? txn.commitTs : 0, committed && !writes.isEmpty(), reads, writes);
    }

    /** Checks the history; fails with a description of the first anomaly found. */
    static void check(List<Rec> history, String seedMsg) {
        List<Rec> commits = new ArrayList<>(history.stream().filter(Rec::committed).toList());
        commits.sort(Comparator.comparingLong(Rec::commitTs));
        for (Rec r : history) {
            for (Map.Entry<Integer, String> read : r.reads().entrySet()) {
                String expected = null;
                for (Rec c : commits) {
                    if (Long.compareUnsigned(c.commitTs(), r.startTs()) >= 0) {
                        break;
                    }
                    if (c.writes().containsKey(read.getKey())) {
                        expected = c.writes().get(read.getKey());
                    }
                }
                if (!Objects.equals(expected, read.getValue())) {
                    throw new AssertionError("read anomaly: txn@" + r.startTs() + " read k" + read.getKey() + "="
                            + read.getValue() + " but the snapshot holds " + expected + "; " + seedMsg);
                }
            }
        }
        for (int i = 0; i < commits.size(); i++) {
            for (int j = i + 1; j < commits.size(); j++) {
                Rec a = commits.get(i);
                Rec b = commits.get(j);
                boolean overlap = a.commitTs() > b.startTs() && b.commitTs() > a.startTs();
                if (overlap && !Collections.disjoint(a.writes().keySet(), b.writes().keySet())) {
                    throw new AssertionError("lost update: txns @" + a.startTs() + " and @" + b.startTs()
                            + " overlap and both wrote " + a.writes().keySet() + " / " + b.writes().keySet()
                            + "; " + seedMsg);
                }
            }
        }
        assertTrue(commits.size() > 10, "too few commits to be meaningful: " + commits.size() + "; " + seedMsg);
    }
}
