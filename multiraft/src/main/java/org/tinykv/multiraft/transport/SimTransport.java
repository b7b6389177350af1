package org.tinykv.multiraft.transport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.tinykv.proto.eraftpb.MessageType;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.tinykv.proto.raft_serverpb.RaftMessage;

/**
 * An in-process network between stores with seeded fault filters: random drop, duplicate and delay, partitions
 * (messages cross only within a group) and isolation of single stores. Undelayed messages are handed to the
 * receiver during {@link #send}; delayed ones when {@link #doWork()} (or a later {@link #send}) runs at or after
 * their due time on the clock. With the same seed and call order the same messages are dropped, duplicated and delayed.
 * Snapshots are delivered through the delay queue, throttled by a {@link SnapshotThrottle} in clock time; the
 * receiver's {@link SnapshotReceiver} copies the files (drop filters apply to snapshots too).
 *
 * <p>Thread-safety: safe (one lock); receivers must only enqueue.
 */
public final class SimTransport implements Transport, Agent {
    private final EpochClock clock;
    private final SplittableRandom rnd;
    private final Map<Long, Consumer<RaftMessage>> stores = new HashMap<>();
    private final Map<Long, SnapshotReceiver> snapshotReceivers = new HashMap<>();
    private final Map<Long, LongConsumer> unreachableListeners = new HashMap<>();
    private final SnapshotThrottle throttle;
    private final Set<Long> isolated = new HashSet<>();
    private final Map<Long, Integer> partitionOf = new HashMap<>();
    private final PriorityQueue<Delayed> delayed = new PriorityQueue<>();
    private double dropRate;
    private double duplicateRate;
    private double delayRate;
    private long maxDelayMillis;
    private long seq;
    private long sent;
    private long dropped;

    private record Delayed(long due, long seq, RaftMessage msg, SnapshotFiles files, Consumer<Boolean> done)
            implements Comparable<Delayed> {
        @Override
        public int compareTo(final Delayed o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }
    }

    /** A network without faults; {@code seed} drives every random choice. */
    public SimTransport(final long seed, final EpochClock clock) {
        this(seed, clock, 64L << 20);
    }

    /** A network without faults sending snapshots at {@code snapshotBytesPerSecond} of clock time. */
    public SimTransport(final long seed, final EpochClock clock, final long snapshotBytesPerSecond) {
        this.rnd = new SplittableRandom(seed);
        this.clock = clock;
        this.throttle = new SnapshotThrottle(snapshotBytesPerSecond);
    }

    /** Connects a store's snapshot receiving side. */
    public synchronized void registerSnapshotReceiver(final long storeId, final SnapshotReceiver receiver) {
        snapshotReceivers.put(storeId, receiver);
    }

    /** Connects a store: messages to it are passed to {@code receiver}. */
    public synchronized void register(final long storeId, final Consumer<RaftMessage> receiver) {
        stores.put(storeId, receiver);
    }

    /**
     * Tells {@code listener} about every store that goes down while {@code storeId} is up, as a real transport
     * learns it when the connection to a dead process closes (a partition tells nobody).
     */
    public synchronized void registerUnreachableListener(final long storeId,
                                                         final LongConsumer listener) {
        unreachableListeners.put(storeId, listener);
    }

    /** Disconnects a store (it is down): messages to it are lost, and the other stores' listeners hear of it. */
    public void unregister(final long storeId) {
        final List<LongConsumer> told = new ArrayList<>();
        synchronized (this) {
            stores.remove(storeId);
            snapshotReceivers.remove(storeId);
            unreachableListeners.remove(storeId);
            told.addAll(unreachableListeners.values());
        }
        for (final LongConsumer l : told) {
            l.accept(storeId);
        }
    }

    /** Drops each message with probability {@code rate}. */
    public synchronized void setDropRate(final double rate) {
        this.dropRate = rate;
    }

    /** Delivers each message twice with probability {@code rate}. */
    public synchronized void setDuplicateRate(final double rate) {
        this.duplicateRate = rate;
    }

    /** Delays each message with probability {@code rate} by up to {@code maxMillis} (reordering it). */
    public synchronized void setDelay(final double rate, final long maxMillis) {
        this.delayRate = rate;
        this.maxDelayMillis = maxMillis;
    }

    /** Cuts {@code storeId} off from every other store. */
    public synchronized void isolate(final long storeId) {
        isolated.add(storeId);
    }

    /** Splits the stores into groups; messages between groups are lost. Stores in no group are unaffected. */
    public synchronized void partition(final Set<Long>... groups) {
        partitionOf.clear();
        for (int g = 0; g < groups.length; g++) {
            for (final long s : groups[g]) {
                partitionOf.put(s, g);
            }
        }
    }

    /** Removes isolation, partitions and random faults. */
    public synchronized void heal() {
        isolated.clear();
        partitionOf.clear();
        dropRate = 0;
        duplicateRate = 0;
        delayRate = 0;
    }

    @Override
    public synchronized void send(final RaftMessage msg) {
        if (!delayed.isEmpty()) {
            doWork();
        }
        sent++;
        final long from = msg.getFromPeer().getStoreId();
        final long to = msg.getToPeer().getStoreId();
        if (blocked(from, to) || (dropRate > 0 && rnd.nextDouble() < dropRate)) {
            dropped++;
            return;
        }
        final int copies = duplicateRate > 0 && rnd.nextDouble() < duplicateRate ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            if (delayRate > 0 && rnd.nextDouble() < delayRate) {
                delayed.add(new Delayed(clock.time() + 1 + rnd.nextLong(Math.max(1, maxDelayMillis)), seq++, msg,
                        null, null));
            } else {
                deliver(msg);
            }
        }
    }

    @Override
    public synchronized void sendSnapshot(final RaftMessage msg, final SnapshotFiles files,
                                          final Consumer<Boolean> done) {
        if (msg.getMessage().getMsgType() != MessageType.MsgSnapshot) {
            throw new IllegalArgumentException("not a snapshot message: " + msg.getMessage().getMsgType());
        }
        sent++;
        if (blocked(msg.getFromPeer().getStoreId(), msg.getToPeer().getStoreId())
                || (dropRate > 0 && rnd.nextDouble() < dropRate)) {
            dropped++;
            done.accept(false);
            return;
        }
        final long due = throttle.reserve(clock.time(), files.totalBytes());
        delayed.add(new Delayed(due, seq++, msg, files, done));
    }

    private boolean blocked(final long from, final long to) {
        if (from == to) {
            return false;
        }
        if (isolated.contains(from) || isolated.contains(to)) {
            return true;
        }
        final Integer gf = partitionOf.get(from);
        final Integer gt = partitionOf.get(to);
        return gf != null && gt != null && !gf.equals(gt);
    }

    private void deliver(final RaftMessage msg) {
        final Consumer<RaftMessage> r = stores.get(msg.getToPeer().getStoreId());
        if (r != null) {
            r.accept(msg);
        } else {
            dropped++;
        }
    }

    /** Delivers the delayed messages that are due; returns how many. */
    @Override
    public synchronized int doWork() {
        int n = 0;
        final long now = clock.time();
        while (!delayed.isEmpty() && delayed.peek().due() <= now) {
            final Delayed d = delayed.poll();
            final long from = d.msg().getFromPeer().getStoreId();
            final boolean cut = blocked(from, d.msg().getToPeer().getStoreId());
            if (d.files() != null) {
                final SnapshotReceiver r = snapshotReceivers.get(d.msg().getToPeer().getStoreId());
                final boolean ok = !cut && r != null && r.receive(d.msg(), d.files());
                if (!ok) {
                    dropped++;
                }
                d.done().accept(ok);
            } else if (!cut) {
                deliver(d.msg());
            } else {
                dropped++;
            }
            n++;
        }
        return n;
    }

    /** Messages handed to {@link #send}. */
    public synchronized long sent() {
        return sent;
    }

    /** Messages lost to filters or absent stores. */
    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public String roleName() {
        return "sim-transport";
    }
}
