package org.tinykv.raft;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import org.tinykv.proto.eraftpb.Message;

/**
 * The simulated network of {@link Simulation}: per-message random drop, duplication and delay (which reorders),
 * plus directed link cuts for partitions. Deterministic given its random source.
 */
final class SimNetwork {
    /** A message in flight, delivered at logical time {@code at}; seq breaks ties in send order. */
    record InFlight(long at, long seq, Message msg) {
    }

    private final SplittableRandom rnd;
    private final PriorityQueue<InFlight> queue = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final Set<Long> cut = new HashSet<>();
    /** Extra delay in ticks of slowed directed links. */
    private final Map<Long, Integer> slow = new HashMap<>();
    private long seq;
    double dropRate;
    double dupRate;
    int maxDelay;

    SimNetwork(SplittableRandom rnd) {
        this.rnd = rnd;
    }

    private static long link(long from, long to) {
        return from * 1_000_000L + to;
    }

    void cut(long from, long to) {
        cut.add(link(from, to));
    }

    boolean isCut(long from, long to) {
        return cut.contains(link(from, to));
    }

    /** Every later message from {@code from} to {@code to} takes {@code extra} more ticks (until healAll). */
    void slow(long from, long to, int extra) {
        slow.put(link(from, to), extra);
    }

    void healAll() {
        cut.clear();
        slow.clear();
    }

    /** Sends a message at time {@code now}. Returns false if it was lost (cut or dropped). */
    boolean send(long now, Message m) {
        if (isCut(m.getFrom(), m.getTo()) || rnd.nextDouble() < dropRate) {
            return false;
        }
        int extra = slow.getOrDefault(link(m.getFrom(), m.getTo()), 0);
        queue.add(new InFlight(now + extra + delay(), seq++, m));
        if (rnd.nextDouble() < dupRate) {
            queue.add(new InFlight(now + extra + delay(), seq++, m));
        }
        return true;
    }

    private int delay() {
        return maxDelay == 0 ? 0 : rnd.nextInt(maxDelay + 1);
    }

    /** Removes and returns every message due at or before {@code now}. */
    List<Message> due(long now) {
        List<Message> out = new ArrayList<>();
        while (!queue.isEmpty() && queue.peek().at <= now) {
            out.add(queue.poll().msg);
        }
        return out;
    }

    int inFlight() {
        return queue.size();
    }
}
