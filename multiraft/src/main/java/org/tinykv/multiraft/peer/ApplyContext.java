package org.tinykv.multiraft.peer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;

/**
 * One apply round over many regions: a shared kv-engine {@link WriteBatch} (data and apply states written
 * atomically) and the callbacks to run once it is written.
 *
 * <p>Thread-safety: confined to the apply worker's thread.
 */
public final class ApplyContext {
    private final Db kvDb;
    private final WriteBatch wb = new WriteBatch();
    private final List<Runnable> callbacks = new ArrayList<>();
    private final List<ApplyDelegate> dirty = new ArrayList<>();
    private long writes;

    /** A context writing to {@code kvDb}. */
    public ApplyContext(final Db kvDb) {
        this.kvDb = kvDb;
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
     * Adds every dirty delegate's apply state, writes the batch (not synced: the synced raft log can replay it),
     * then runs the waiting callbacks.
     */
    public void flush() throws IOException {
        for (final ApplyDelegate d : dirty) {
            d.writeApplyState(wb);
        }
        dirty.clear();
        if (!wb.isEmpty()) {
            kvDb.write(wb, WriteOptions.NO_SYNC);
            wb.clear();
            writes++;
        }
        final List<Runnable> todo = new ArrayList<>(callbacks);
        callbacks.clear();
        for (final Runnable r : todo) {
            r.run();
        }
    }
}
