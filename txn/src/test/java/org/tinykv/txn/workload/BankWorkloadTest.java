package org.tinykv.txn.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;

/**
 * Many clients move money between accounts concurrently, with conflicts, retries, crashed clients and lock
 * resolution; auditors check that the total is the same at every snapshot they read.
 */
class BankWorkloadTest {
    private static final long SEED = Long.getLong("txn.bank.seed", System.nanoTime());
    private static final int ACCOUNTS = 16;
    private static final long INITIAL = 1_000;
    private static final int WORKERS = 8;
    private static final int TRANSFERS_PER_WORKER = 120;
    private static final int MAX_ATTEMPTS = 5_000;

    private static ByteString account(int i) {
        return ByteString.copyFromUtf8(String.format("acct%03d", i));
    }

    private static long decode(byte[] v) {
        return ByteBuffer.wrap(v).getLong();
    }

    private static byte[] encode(long v) {
        return ByteBuffer.allocate(8).putLong(v).array();
    }

    @Test
    void totalNeverChanges() throws Exception {
        String seedMsg = "seed=" + SEED + " (replay with -Dtxn.bank.seed=" + SEED + ")";
        System.out.println("BankWorkloadTest " + seedMsg);
        TxnCommands cmds = new TxnCommands(new MemEngine(), new Latches(256));
        Tso tso = new Tso();
        Client.Txn init = new Client(cmds, tso).begin();
        for (int i = 0; i < ACCOUNTS; i++) {
            init.put(account(i), encode(INITIAL));
        }
        assertTrue(init.commit(Client.Crash.NONE), seedMsg);
        long total = INITIAL * ACCOUNTS;

        AtomicReference<String> failure = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger audits = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            SplittableRandom rnd = new SplittableRandom(SEED * 31 + w);
            Client client = new Client(cmds, tso);
            workers.add(new Thread(() -> runWorker(client, rnd, committed, failure, seedMsg), "bank-" + w));
        }
        Client auditorClient = new Client(cmds, tso);
        Thread auditor = new Thread(() -> {
            while (!done.get() && failure.get() == null) {
                audit(auditorClient, total, failure, seedMsg, audits.incrementAndGet() % 2 == 0);
            }
        }, "bank-auditor");
        workers.forEach(Thread::start);
        auditor.start();
        for (Thread t : workers) {
            t.join(90_000);
            assertFalse(t.isAlive(), "worker stuck; " + seedMsg);
        }
        done.set(true);
        auditor.join(30_000);
        assertNull(failure.get());
        audit(auditorClient, total, failure, seedMsg, true);
        audit(auditorClient, total, failure, seedMsg, false);
        assertNull(failure.get());
        assertTrue(committed.get() > 0, seedMsg);
        System.out.println("BankWorkloadTest committed=" + committed.get() + " audits=" + audits.get());
    }

    private static void runWorker(Client client, SplittableRandom rnd, AtomicInteger committed,
                                  AtomicReference<String> failure, String seedMsg) {
        for (int n = 0; n < TRANSFERS_PER_WORKER && failure.get() == null; n++) {
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
                failure.set("transfer did not commit after " + MAX_ATTEMPTS + " attempts; " + seedMsg);
            }
        }
    }

    private static void audit(Client client, long total, AtomicReference<String> failure, String seedMsg,
                              boolean useScan) {
        Client.Txn txn = client.begin();
        long sum = 0;
        int seen = 0;
        if (useScan) {
            for (KvPair p : txn.scanAll(ByteString.copyFromUtf8("acct"))) {
                sum += decode(p.getValue().toByteArray());
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
        assertEquals(ACCOUNTS, seen, seedMsg);
    }
}
