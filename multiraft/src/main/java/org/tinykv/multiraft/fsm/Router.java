package org.tinykv.multiraft.fsm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.tinykv.multiraft.peer.Peer;
import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.proto.errorpb.Error;

/**
 * Region id → peer mailbox. {@link #send} enqueues a message and, if the peer was idle, queues it for the raft
 * workers and wakes them. Only peers with mail are ever visited by a worker, and ticks go only to peers that are
 * not hibernating (the worker holding a peer records which it is when it gives the peer back).
 *
 * <p>Thread-safety: safe.
 */
public final class Router {
    private final ConcurrentHashMap<Long, PeerFsm> peers = new ConcurrentHashMap<>();
    /** The registered peers that tick (not hibernating). */
    private final ConcurrentHashMap<Long, PeerFsm> ticking = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<PeerFsm> ready = new ConcurrentLinkedQueue<>();
    private final List<WakeableIdleStrategy> waiters = new CopyOnWriteArrayList<>();

    /**
     * Registers {@code peer} (queued for a worker at once if raft already has work for it); throws
     * IllegalStateException if its region already has one.
     */
    public PeerFsm register(final Peer peer) {
        final PeerFsm f = new PeerFsm(peer);
        if (peers.putIfAbsent(peer.regionId(), f) != null) {
            throw new IllegalStateException("region " + peer.regionId() + " already has a peer");
        }
        ticking.put(peer.regionId(), f);
        if (peer.hasReady()) {
            schedule(f);
        }
        return f;
    }

    /** Removes the region's peer (it is stopped: later mail is dropped). */
    public void remove(final long regionId) {
        final PeerFsm f = peers.remove(regionId);
        if (f != null) {
            f.stopped = true;
            ticking.remove(regionId, f);
        }
    }

    /** Delivers {@code msg} to the region's mailbox; false if the store has no peer of the region. */
    public boolean send(final long regionId, final PeerMsg msg) {
        final PeerFsm f = peers.get(regionId);
        if (f == null || f.stopped) {
            return false;
        }
        f.mailbox.add(msg);
        schedule(f);
        return true;
    }

    /**
     * Puts a tick into the mailbox of every peer that is not hibernating, standing for {@code intervals} tick
     * intervals that fell due (unless a tick is still waiting there: ticks do not pile up, but the intervals they
     * stand for are counted).
     */
    public void broadcastTick(final long intervals) {
        for (final PeerFsm f : ticking.values()) {
            if (f.stopped) {
                ticking.remove(f.peer.regionId(), f);
                continue;
            }
            f.dueTicks.addAndGet(intervals);
            if (f.tickPending.compareAndSet(false, true)) {
                f.mailbox.add(PeerMsg.Tick.INSTANCE);
                schedule(f);
            }
        }
    }

    /** Puts {@code msg} into the mailbox of every hibernating peer. */
    public void sendToHibernating(final PeerMsg msg) {
        for (final PeerFsm f : peers.values()) {
            if (f.hibernating) {
                f.mailbox.add(msg);
                schedule(f);
            }
        }
    }

    /** The number of registered peers that are hibernating. */
    public int hibernatingCount() {
        return peers.size() - ticking.size();
    }

    /**
     * Records whether the held peer {@code f} hibernates now (ticks stop or resume); returns true if that changed.
     * Only the worker holding {@code f}.
     */
    boolean trackHibernation(final PeerFsm f) {
        if (f.stopped) {
            return false;
        }
        final boolean now = f.peer.isHibernating();
        if (now == f.hibernating) {
            return false;
        }
        f.hibernating = now;
        if (now) {
            ticking.remove(f.peer.regionId(), f);
        } else {
            ticking.put(f.peer.regionId(), f);
        }
        return true;
    }

    /**
     * Stops every peer: answers its waiting commands and the commands still in its mailbox with {@code error}.
     * Requires: no worker runs any more (the store is shutting down).
     */
    public void stopAll(final Error error) {
        for (final PeerFsm f : peers.values()) {
            f.stopped = true;
            f.peer.failAll(error);
            PeerMsg m;
            while ((m = f.mailbox.poll()) != null) {
                if (m instanceof PeerMsg.Propose p) {
                    p.callback().onDone(RegionErrors.errorResponse(error, 0), null);
                }
            }
        }
        peers.clear();
        ticking.clear();
    }

    /** True if the store has a peer of {@code regionId}. */
    public boolean contains(final long regionId) {
        return peers.containsKey(regionId);
    }

    /** The registered peers (a copy; their regions may be read from any thread). */
    public List<Peer> peers() {
        final List<Peer> out = new ArrayList<>();
        for (final PeerFsm f : peers.values()) {
            out.add(f.peer);
        }
        return out;
    }

    /** The published status of every registered peer that has had a worker round. */
    public List<PeerStatus> statuses() {
        final List<PeerStatus> out = new ArrayList<>();
        for (final PeerFsm f : peers.values()) {
            final PeerStatus st = f.status;
            if (st != null) {
                out.add(st);
            }
        }
        return out;
    }

    /** Number of registered peers. */
    public int size() {
        return peers.size();
    }

    /** The fsm of a region, or null (tests and the store's own thread only). */
    public PeerFsm fsm(final long regionId) {
        return peers.get(regionId);
    }

    /** Wakes {@code w} whenever a region gets work. */
    public void addWaiter(final WakeableIdleStrategy w) {
        waiters.add(w);
    }

    private void schedule(final PeerFsm f) {
        if (f.scheduled.compareAndSet(false, true)) {
            ready.add(f);
            for (final WakeableIdleStrategy w : waiters) {
                w.wake();
            }
        }
    }

    /** Takes the next peer with work, or null. The caller holds it until {@link #release}. */
    PeerFsm poll() {
        return ready.poll();
    }

    /** Gives back a held peer; requeues it if it still has work ({@code more}) or mail arrived meanwhile. */
    void release(final PeerFsm f, final boolean more) {
        if (f.stopped) {
            return;
        }
        if (more) {
            ready.add(f);
            return;
        }
        f.scheduled.set(false);
        if (!f.mailbox.isEmpty()) {
            schedule(f);
        }
    }
}
