package org.tinykv.lsm;

/**
 * A consistent point-in-time view of a Db: reads through it see exactly the writes with a sequence number up to
 * {@link #sequence()}. Compactions keep every entry a live snapshot can see. Close it to release it.
 *
 * <p>Thread-safety: safe; may be used from many threads until closed.
 */
public final class Snapshot implements AutoCloseable {

    private final long sequence;
    private final SnapshotList owner;
    private boolean released;

    Snapshot(final long sequence, final SnapshotList owner) {
        this.sequence = sequence;
        this.owner = owner;
    }

    /** The last sequence number visible through this snapshot. */
    public long sequence() {
        return sequence;
    }

    /** Releases the snapshot; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
        }
        owner.release(this);
    }
}
