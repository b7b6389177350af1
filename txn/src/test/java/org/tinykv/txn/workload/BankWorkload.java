package org.tinykv.txn.workload;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.txn.TxnApi;

/**
 * Many clients move money between accounts concurrently, with conflicts, retries, crashed clients (after prewrite
 * or after the primary commit) and lock resolution; an auditor checks that the total is the same at every snapshot
 * it reads, alternating point gets and a scan. Runs against any {@link TxnApi} that starts without account keys.
 */
public final class BankWorkload {
    private static final int ACCOUNTS = 16;
    private static final long INITIAL = 1_000;
    private static final int MAX_ATTEMPTS = 5_000;

    /**
     * The shape of one run.
     *
     * @param workers            concurrent transferring clients
     * @param transfersPerWorker transfers each client completes (or abandons by crashing)
     * @param seed               seeds every client's choices; printed in every failure message
     * @param seedProperty       the system property that replays the seed, for the messages
     * @param joinMillis         how long to wait for the clients before declaring them stuck
     */
    public record Params(int workers, int transfersPerWorker, long seed, String seedProperty, long joinMillis) {
    }

    /** What a successful run did. */
    public record Outcome(int committed, int audits) {
    }

    private BankWorkload() {
    }

    private static ByteString account(int i) {
        return ByteString.copyFromUtf8(String.format("acct%03d", i));
    }

    private static long decode(byte[] v) {
        return ByteBuffer.wrap(v).getLong();
    }

    private static byte[] encode(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    /**
     * Runs the workload over {@code api} with timestamps from {@code tso}.
     *
     * @throws AssertionError describing the first anomaly or stuck client, with the seed
     */
    public static Outcome run(TxnApi api, Tso tso, Params p) throws InterruptedException {
        String seedMsg = "seed=" + p.seed() + " (replay with -D" + p.seedProperty() + "=" + p.seed() + ")";
        System.out.println("BankWorkload " + seedMsg);
        Client.Txn init = new Client(api, tso).begin();
        for (int i = 0; i < ACCOUNTS; i++) {
            init.put(account(i), encode(INITIAL));
        }
        check(init.commit(Client.Crash.NONE), "initial transaction did not commit; " + seedMsg);
        long total = INITIAL * ACCOUNTS;

        AtomicReference<String> failure = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger audits = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < p.workers(); w++) {
            SplittableRandom rnd = new SplittableRandom(p.seed() * 31 + w);
            Client client = new Client(api, tso);
            workers.add(new Thread(() -> guarded(failure, seedMsg,
                    () -> runWorker(client, rnd, p.transfersPerWorker(), committed, failure, seedMsg)), "bank-" + w));
        }
        Client auditorClient = new Client(api, tso);
        Thread auditor = new Thread(() -> guarded(failure, seedMsg, () -> {
            while (!done.get() && failure.get() == null) {
                audit(auditorClient, total, failure, seedMsg, audits.incrementAndGet() % 2 == 0);
            }
        }), "bank-auditor");
        workers.forEach(Thread::start);
        auditor.start();
        for (Thread t : workers) {
            t.join(p.joinMillis());
            check(!t.isAlive(), "worker stuck; " + seedMsg);
        }
        done.set(true);
        auditor.join(p.joinMillis());
        check(!auditor.isAlive(), "auditor stuck; " + seedMsg);
        audit(auditorClient, total, failure, seedMsg, true);
        audit(auditorClient, total, failure, seedMsg, false);
        check(failure.get() == null, failure.get());
        check(committed.get() > 0, "no transfer committed; " + seedMsg);
        System.out.println("BankWorkload committed=" + committed.get() + " audits=" + audits.get());
        return new Outcome(committed.get(), audits.get());
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    /** Runs {@code body}, turning any throwable into the recorded failure. */
    static void guarded(AtomicReference<String> failure, String seedMsg, Runnable body) {
        try {
            body.run();
        } catch (Throwable t) { // an RPC failure or assertion in a client thread fails the run, with the seed
            failure.compareAndSet(null, Thread.currentThread().getName() + " failed: " + t + "; " + seedMsg);
        }
    }

    private static void runWorker(Client client, SplittableRandom rnd, int transfers, AtomicInteger committed,
                                  AtomicReference<String> failure, String seedMsg) {
        for (int n = 0; n < transfers && failure.get() == null; n++) {
            int from = rnd.nextInt(ACCOUNTS);
            int to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            long amount = 1 + rnd.nextInt(50);
            boolean ok = false;
            for (int attempt = 0; attempt < MAX_ATTEMPTS && !ok; attempt++) {
                Client.Txn txn = client.begin();
                long a = decode(txn.get(account(from)));
                long b = decode(txn.get(account(to)));
                if (a < amount) {
                    ok = true; // nothing to move; a read-only transaction
                    continue;
                }
                txn.put(account(from), encode(a - amount));
                txn.put(account(to), encode(b + amount));
                Client.Crash crash = Client.pickCrash(rnd, 3);
                ok = txn.commit(crash);
                if (ok) {
                    committed.incrementAndGet();
                }
                if (crash == Client.Crash.AFTER_PREWRITE) {
                    ok = true; // the client died; its transfer never happens and is not retried
                }
            }
            if (!ok) {
                failure.compareAndSet(null, "transfer did not commit after " + MAX_ATTEMPTS + " attempts; "
                        + seedMsg);
            }
        }
    }

    private static void audit(Client client, long total, AtomicReference<String> failure, String seedMsg,
                              boolean useScan) {
        Client.Txn txn = client.begin();
        long sum = 0;
        int seen = 0;
        if (useScan) {
            for (KvPair kv : txn.scanAll(ByteString.copyFromUtf8("acct"))) {
                sum += decode(kv.getValue().toByteArray());
                seen++;
            }
        } else {
            for (int i = 0; i < ACCOUNTS; i++) {
                sum += decode(txn.get(account(i)));
                seen++;
            }
        }
        if (sum != total || seen != ACCOUNTS) {
            failure.compareAndSet(null, "snapshot at " + txn.startTs + " has total " + sum + " over " + seen
                    + " accounts, expected " + total + "; " + seedMsg);
        }
    }
}
