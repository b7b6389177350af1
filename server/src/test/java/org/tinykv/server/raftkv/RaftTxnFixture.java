package org.tinykv.server.raftkv;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.txn.TxnApi;
import org.tinykv.txn.cases.TxnCaseKit;
import org.tinykv.txn.engine.Engine;
import org.tinykv.txn.engine.EngineIterator;
import org.tinykv.txn.engine.EngineSnapshot;
import org.tinykv.txn.engine.Modify;
import org.tinykv.txn.engine.RegionErrorException;
import org.tinykv.txn.engine.TxnCf;

/**
 * A 3-store replicated cluster (one region) for txn's command cases and workloads: the API through gRPC to the
 * leader with the right context ({@link LeaderTxnApi}), and, for seeding and inspecting MVCC state, the leader's
 * {@link RaftTxnEngine} in-process with the leader's context (real region snapshots and atomic raft writes).
 * Registered as a JUnit extension it starts before the class's first test and stops after its last.
 */
final class RaftTxnFixture implements BeforeAllCallback, AfterAllCallback {
    private RaftKvCluster cluster;
    private LeaderTxnApi api;
    private Engine engine;

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception {
        cluster = RaftKvCluster.start(3, Duration.ofSeconds(5));
        api = new LeaderTxnApi(cluster, cluster.leaderOf(cluster.region, new byte[] {0}), false);
        engine = new LeaderEngine();
    }

    @Override
    public void afterAll(final ExtensionContext context) throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The transactional API through gRPC. */
    TxnApi api() {
        return api;
    }

    /** Deletes every key of every column family (one raft command) and returns a kit over the empty store. */
    TxnCaseKit freshKit() {
        final List<Modify> deletes = new ArrayList<>();
        try (EngineSnapshot snap = engine.snapshot(null)) {
            for (final TxnCf cf : TxnCf.values()) {
                try (EngineIterator it = snap.iterator(cf, null, null)) {
                    for (it.seek(new byte[0]); it.valid(); it.next()) {
                        deletes.add(new Modify.Delete(cf, it.key()));
                    }
                }
            }
        }
        engine.write(null, deletes);
        return new TxnCaseKit(api, engine);
    }

    /** The leader's engine, whatever context the caller passes; follows NotLeader/StaleCommand like the API. */
    private final class LeaderEngine implements Engine {
        private <T> T onLeader(final Function<Context, T> op) {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                final long target = api.leader();
                try {
                    return op.apply(RaftKvCluster.ctx(target, cluster.region));
                } catch (RegionErrorException e) {
                    if (!LeaderTxnApi.resend(e.error()) || System.nanoTime() > deadline) {
                        throw e;
                    }
                    api.redirect(e.error());
                }
            }
        }

        @Override
        public EngineSnapshot snapshot(final Context ignored) {
            return onLeader(ctx -> new RaftTxnEngine(cluster.kvs.get(ctx.getPeer().getStoreId())).snapshot(ctx));
        }

        @Override
        public void write(final Context ignored, final List<Modify> batch) {
            onLeader(ctx -> {
                new RaftTxnEngine(cluster.kvs.get(ctx.getPeer().getStoreId())).write(ctx, batch);
                return null;
            });
        }
    }
}
