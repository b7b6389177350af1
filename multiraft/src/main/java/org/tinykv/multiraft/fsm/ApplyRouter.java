package org.tinykv.multiraft.fsm;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.tinykv.multiraft.peer.ApplyDelegate;
import org.tinykv.multiraft.peer.ApplyTask;
import org.tinykv.multiraft.peer.Proposal;
import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.proto.errorpb.Error;

/**
 * Region id → apply mailbox; the raft workers hand committed entries and confirmed reads here, in order.
 *
 * <p>Thread-safety: safe.
 */
public final class ApplyRouter {
    private final ConcurrentHashMap<Long, ApplyFsm> delegates = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<ApplyFsm> ready = new ConcurrentLinkedQueue<>();
    private final List<WakeableIdleStrategy> waiters = new CopyOnWriteArrayList<>();

    /** Registers a region's delegate. */
    public void register(final ApplyDelegate d) {
        if (delegates.putIfAbsent(d.regionId(), new ApplyFsm(d)) != null) {
            throw new IllegalStateException("region " + d.regionId() + " already has an apply delegate");
        }
    }

    /** Forgets a region's delegate (its peer was destroyed); tasks still queued for it are dropped. */
    public void remove(final long regionId) {
        delegates.remove(regionId);
    }

    /** Queues tasks for their regions; tasks of unknown regions are dropped (the region was destroyed). */
    public void schedule(final List<ApplyTask> tasks) {
        for (final ApplyTask t : tasks) {
            final ApplyFsm f = delegates.get(t.regionId());
            if (f == null) {
                continue;
            }
            f.mailbox.add(t);
            schedule(f);
        }
    }

    /**
     * Answers every waiting read and every proposal still queued with {@code error}. Requires: no worker runs any
     * more (the store is shutting down).
     */
    public void stopAll(final Error error) {
        for (final ApplyFsm f : delegates.values()) {
            f.delegate.failReads(error);
            ApplyTask t;
            while ((t = f.mailbox.poll()) != null) {
                if (t instanceof ApplyTask.Read r) {
                    r.callback().onDone(RegionErrors.errorResponse(error, r.term()), null);
                } else if (t instanceof ApplyTask.Apply a) {
                    for (final Proposal p : a.proposals()) {
                        p.callback().onDone(RegionErrors.errorResponse(error, p.term()), null);
                    }
                }
            }
        }
        delegates.clear();
    }

    /** Wakes {@code w} whenever a region gets work. */
    public void addWaiter(final WakeableIdleStrategy w) {
        waiters.add(w);
    }

    private void schedule(final ApplyFsm f) {
        if (f.scheduled.compareAndSet(false, true)) {
            ready.add(f);
            for (final WakeableIdleStrategy w : waiters) {
                w.wake();
            }
        }
    }

    ApplyFsm poll() {
        return ready.poll();
    }

    void release(final ApplyFsm f) {
        f.scheduled.set(false);
        if (!f.mailbox.isEmpty()) {
            schedule(f);
        }
    }
}
