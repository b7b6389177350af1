package org.tinykv.multiraft.peer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;

/**
 * One apply round over many regions: a shared kv-engine {@link WriteBatch} (data and apply states written
 * atomically), the callbacks to run once it is written, and the {@link ApplyResult}s to report to the raft side.
 * A batch holding a log truncation or a peer's destruction is synced: the raft side deletes raft-engine data on
 * the strength of it.
 *
 * <p>Thread-safety: confined to the apply worker's thread.
 */
public final class ApplyContext {
    private final Db kvDb;
    private final Consumer<ApplyResult> resultSink;
    private final WriteBatch wb = new WriteBatch();
    private final List<Runnable> callbacks = new ArrayList<>();
    private final List<ApplyResult> results = new ArrayList<>();
    private final List<ApplyDelegate> dirty = new ArrayList<>();
    private boolean sync;
    private long writes;

    /** A context writing to {@code kvDb} whose results are dropped (tests of the apply side alone). */
    public ApplyContext(final Db kvDb) {
        this(kvDb, r -> { });
    }

    /** A context writing to {@code kvDb}, reporting results to {@code resultSink} after each write. */
    public ApplyContext(final Db kvDb, final Consumer<ApplyResult> resultSink) {
        this.kvDb = kvDb;
        this.resultSink = resultSink;
    }

    /** The kv engine. */
    public Db kvDb() {
        return kvDb;
    }

    /** The batch being filled. */
    WriteBatch writeBatch() {
        return wb;
    }

    /** Runs {@code r} after the batch is written. */
    void afterWrite(final Runnable r) {
        callbacks.add(r);
    }

    /** Reports {@code r} after the batch is written; {@code mustSync} makes that write synced. */
    void report(final ApplyResult r, final boolean mustSync) {
        results.add(r);
        sync |= mustSync;
    }

    /** Remembers that {@code d} has unwritten state. */
    void markDirty(final ApplyDelegate d) {
        if (!dirty.contains(d)) {
            dirty.add(d);
        }
    }

    /** Number of kv-engine writes done so far (metrics, tests). */
    public long writes() {
        return writes;
    }

    /**
     * Adds every dirty delegate's apply state, writes the batch (not synced unless a result requires it: the
     * synced raft log can replay it), then runs the waiting callbacks and reports the results.
     */
    public void flush() throws IOException {
        for (final ApplyDelegate d : dirty) {
            d.writeApplyState(wb);
        }
        dirty.clear();
        if (!wb.isEmpty()) {
            kvDb.write(wb, sync ? WriteOptions.SYNC : WriteOptions.NO_SYNC);
            wb.clear();
            writes++;
            sync = false;
        }
        final List<Runnable> todo = new ArrayList<>(callbacks);
        callbacks.clear();
        for (final Runnable r : todo) {
            r.run();
        }
        final List<ApplyResult> res = new ArrayList<>(results);
        results.clear();
        for (final ApplyResult r : res) {
            resultSink.accept(r);
        }
    }
}
