package org.tinykv.multiraft.fsm;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.tinykv.multiraft.peer.Peer;

/**
 * A peer with its mailbox. The {@code scheduled} flag guarantees that at most one worker holds the peer: whoever
 * flips it from false to true queues the fsm for a worker.
 *
 * <p>Thread-safety: the mailbox and flag are concurrent; the peer is touched only by the worker holding it.
 */
public final class PeerFsm {
    final Peer peer;
    final ConcurrentLinkedQueue<PeerMsg> mailbox = new ConcurrentLinkedQueue<>();
    final AtomicBoolean scheduled = new AtomicBoolean();
    /** A tick is in the mailbox: later ticks coalesce into it until the worker takes it. */
    final AtomicBoolean tickPending = new AtomicBoolean();
    /** Tick intervals that fell due since the worker last took a tick (one Tick message stands for all of them). */
    final AtomicLong dueTicks = new AtomicLong();
    volatile boolean stopped;
    /** The peer hibernated when its worker last gave it back (it gets no ticks); written by that worker only. */
    volatile boolean hibernating;
    /** Published by the worker after the first round and then once per tick; null before the first round. */
    volatile PeerStatus status;
    /** A tick was handled since the status was last published (only the worker holding the fsm touches it). */
    boolean statusDue = true;

    PeerFsm(final Peer peer) {
        this.peer = peer;
    }

    /** The peer (only for the worker holding this fsm, or tests driving one thread). */
    public Peer peer() {
        return peer;
    }

    /** The peer's status as of its latest tick (at most one tick old), or null before its first round. Any thread. */
    public PeerStatus status() {
        return status;
    }
}
