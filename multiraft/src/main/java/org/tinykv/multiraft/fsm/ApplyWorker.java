package org.tinykv.multiraft.fsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.Agent;
import org.tinykv.lsm.Db;
import java.util.function.Consumer;
import org.tinykv.multiraft.peer.ApplyContext;
import org.tinykv.multiraft.peer.ApplyResult;
import org.tinykv.multiraft.peer.ApplyTask;

/**
 * Applies committed entries of many regions per round into one kv-engine batch (data + apply states, written
 * atomically, not synced: the synced raft log replays anything lost), then answers the proposals and serves the
 * reads whose index is applied. A failed kv-engine write stops the worker for good (the store must be
 * restarted; the raft log replays what was lost).
 *
 * <p>Thread-safety: {@link #doWork()} is called by one thread (its runner, or a test).
 */
public final class ApplyWorker implements Agent {
    private static final int MAX_TASKS_PER_REGION = 1024;

    private final String name;
    private final ApplyRouter router;
    private final ApplyContext ctx;
    private final int maxBatch;
    private final List<ApplyFsm> batch = new ArrayList<>();
    private IOException failure;

    /** A worker applying to {@code kvDb}, at most {@code maxBatch} regions per round. */
    public ApplyWorker(final String name, final ApplyRouter router, final Db kvDb, final int maxBatch) {
        this(name, router, kvDb, maxBatch, r -> { });
    }

    /** A worker reporting apply results (log truncations, conf changes, snapshots) to {@code results}. */
    public ApplyWorker(final String name, final ApplyRouter router, final Db kvDb, final int maxBatch,
                       final Consumer<ApplyResult> results) {
        this.name = name;
        this.router = router;
        this.ctx = new ApplyContext(kvDb, results);
        this.maxBatch = maxBatch;
    }

    @Override
    public int doWork() {
        if (failure != null) {
            throw new IllegalStateException(name + " stopped after a kv engine write failure", failure);
        }
        ApplyFsm f;
        while (batch.size() < maxBatch && (f = router.poll()) != null) {
            batch.add(f);
        }
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            for (final ApplyFsm a : batch) {
                ApplyTask t;
                int n = 0;
                while (n++ < MAX_TASKS_PER_REGION && (t = a.mailbox.poll()) != null) {
                    a.delegate.handle(t, ctx);
                }
            }
            ctx.flush();
            for (final ApplyFsm a : batch) {
                a.delegate.serveReads(ctx);
            }
            ctx.flush();
            return batch.size();
        } catch (final IOException e) {
            // fail-stop: delegates advanced in memory past what was written
            failure = e;
            throw new UncheckedIOException("kv engine write failed in " + name, e);
        } catch (final RuntimeException e) {
            // fail-stop: the shared batch may hold part of a command
            failure = new IOException("apply failed: " + e.getMessage(), e);
            throw e;
        } finally {
            for (final ApplyFsm a : batch) {
                router.release(a);
            }
            batch.clear();
        }
    }

    /** True once the worker stopped after a failure. */
    public boolean failed() {
        return failure != null;
    }

    /** kv-engine writes done (metrics, tests). */
    public long writes() {
        return ctx.writes();
    }

    @Override
    public String roleName() {
        return name;
    }
}
