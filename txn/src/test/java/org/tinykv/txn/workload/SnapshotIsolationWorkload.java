package org.tinykv.txn.workload;

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
import java.util.concurrent.atomic.AtomicReference;
import org.tinykv.txn.TxnApi;

/**
 * Randomized read-write transactions from concurrent clients, recorded as a history and checked for snapshot
 * isolation: every read returns the value of the last transaction that committed before the reader started
 * (no dirty or fuzzy reads), and no two committed transactions that overlap in time wrote the same key
 * (no lost updates). Runs against any {@link TxnApi} that starts without keys {@code k0..k7}.
 */
public final class SnapshotIsolationWorkload {
    private static final int KEYS = 8;

    /**
     * The shape of one run.
     *
     * @param threads       concurrent clients
     * @param txnsPerThread transactions each client runs
     * @param seed          seeds every client's choices; printed in every failure message
     * @param seedProperty  the system property that replays the seed, for the messages
     * @param joinMillis    how long to wait for the clients before declaring them stuck
     */
    public record Params(int threads, int txnsPerThread, long seed, String seedProperty, long joinMillis) {
    }

    private SnapshotIsolationWorkload() {
    }

    /** One finished transaction of the history. */
    record Rec(long startTs, long commitTs, boolean committed, Map<Integer, String> reads,
               Map<Integer, String> writes) {
    }

    private static ByteString key(int k) {
        return ByteString.copyFromUtf8("k" + k);
    }

    /**
     * Runs the clients over {@code api} with timestamps from {@code tso}, then checks the recorded history.
     *
     * @return the number of committed writing transactions
     * @throws AssertionError describing the first anomaly or stuck client, with the seed
     */
    public static int run(TxnApi api, Tso tso, Params p) throws InterruptedException {
        String seedMsg = "seed=" + p.seed() + " (replay with -D" + p.seedProperty() + "=" + p.seed() + ")";
        System.out.println("SnapshotIsolationWorkload " + seedMsg);
        List<Rec> history = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < p.threads(); t++) {
            int id = t;
            SplittableRandom rnd = new SplittableRandom(p.seed() * 17 + t);
            Client client = new Client(api, tso);
            threads.add(new Thread(() -> BankWorkload.guarded(failure, seedMsg, () -> {
                for (int n = 0; n < p.txnsPerThread() && failure.get() == null; n++) {
                    history.add(runOne(client, rnd, "t" + id + "-" + n));
                }
            }), "si-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(p.joinMillis());
            if (t.isAlive()) {
                throw new AssertionError("client stuck; " + seedMsg);
            }
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        Client.Txn last = new Client(api, tso).begin();
        Map<Integer, String> finalReads = new HashMap<>();
        for (int k = 0; k < KEYS; k++) {
            finalReads.put(k, str(last.get(key(k))));
        }
        history.add(new Rec(last.startTs, 0, false, finalReads, Map.of()));
        return check(history, seedMsg);
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

    /** Checks the history; fails with a description of the first anomaly found; returns the commit count. */
    static int check(List<Rec> history, String seedMsg) {
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
        if (commits.size() <= 10) {
            throw new AssertionError("too few commits to be meaningful: " + commits.size() + "; " + seedMsg);
        }
        return commits.size();
    }
}
