package org.tinykv.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tinykv.raft.tracker.Progress;

/**
 * Attacks on the leader lease, used by {@link SimFaults} on lease seeds. Each attack cuts the leader {@code L}
 * off and then asks it for a read every tick, while the rest of the group is pushed to elect a new leader and
 * commit as early as the lease rules allow; a stale lease read then shows up as a read-index violation:
 * <ul>
 *   <li>RESTART: first {@code L} keeps only a bare quorum {@code F} of followers (the others lose it and start
 *       campaigning, refused by {@code F}); then {@code L} is cut from {@code F} too and one node of {@code F}
 *       crashes and restarts at once, forgetting that it just heard from {@code L};</li>
 *   <li>EXPIRE: the same without the crash and with fast links, except that {@code F}'s acknowledgements of
 *       {@code L}'s last heartbeats travel slowly before {@code L} is cut from {@code F}: a lease anchored when
 *       an acknowledgement arrives instead of when the heartbeat left outlives {@code F}'s vote barrier;</li>
 *   <li>TRANSFER: {@code L} can only send to a caught-up follower {@code T} and asks it to take over
 *       ({@code MsgTimeoutNow}); {@code T}'s forced campaign bypasses the other followers' vote barriers.</li>
 * </ul>
 * Deterministic given its random source. Confined to the simulation's thread.
 */
final class SimLeaseNemesis {
    private enum Kind { RESTART, EXPIRE, TRANSFER }

    private final Simulation sim;
    private final SimFaults faults;
    private final SplittableRandom rnd;
    private final boolean crashes;
    private Kind kind;
    private SimNode target;
    private final List<Long> quorum = new ArrayList<>();
    private int phase;  // 0 idle, 1 bare quorum, 2 isolated and read every tick
    private long phaseEnd;
    /** EXPIRE: when the target is cut from its bare quorum (its acks are slowed from phase 2 on). */
    private long cutAt;
    private int savedDelay = -1;
    private long attacks;

    SimLeaseNemesis(Simulation sim, SimFaults faults, SplittableRandom rnd, boolean crashes) {
        this.sim = sim;
        this.faults = faults;
        this.rnd = rnd;
        this.crashes = crashes;
    }

    boolean active() {
        return phase != 0;
    }

    long attacks() {
        return attacks;
    }

    /** One step before the tick: maybe starts an attack, else advances the current one. */
    void step() {
        if (phase == 0) {
            if (rnd.nextInt(40) == 0) {
                start();
            }
            return;
        }
        if (phase == 1 && sim.now >= phaseEnd) {
            if (kind == Kind.EXPIRE) {
                for (long f : quorum) {
                    sim.net.slow(f, target.id, Simulation.ELECTION / 2);
                }
                cutAt = sim.now + 3;
            } else {
                isolateTarget(-1);
            }
            if (kind == Kind.RESTART) {
                SimNode f = sim.nodes.get(quorum.get(rnd.nextInt(quorum.size())));
                if (f.alive()) {
                    f.crash();
                    sim.start(f);
                }
            }
            phase = 2;
            phaseEnd = sim.now + 2L * Simulation.ELECTION;
        }
        if (phase == 2) {
            if (kind == Kind.EXPIRE && sim.now == cutAt) {
                for (long f : quorum) {
                    sim.net.cut(target.id, f);
                }
            }
            if (target.alive()) {
                faults.readAt(target);
            }
            if (sim.now >= phaseEnd) {
                stop();
            }
        }
    }

    /** Ends any attack and heals the network. */
    void stop() {
        phase = 0;
        sim.net.healAll();
        if (savedDelay >= 0) {
            sim.net.maxDelay = savedDelay;
            savedDelay = -1;
        }
    }

    private void start() {
        SimNode l = sim.leader();
        if (l == null || !l.raft().tracker.isVoter(l.id)) {
            return;
        }
        Raft r = l.raft();
        long[] voters = r.tracker.membership().voters().ids();
        List<Long> followers = new ArrayList<>();
        for (long v : voters) {
            if (v != l.id && sim.nodes.get(v) != null && sim.nodes.get(v).alive()) {
                followers.add(v);
            }
        }
        int need = r.tracker.membership().voters().quorum() - 1;
        if (followers.size() < need || need == 0) {
            return;
        }
        attacks++;
        target = l;
        int k = rnd.nextInt(3);
        kind = k == 0 && crashes ? Kind.RESTART : k == 1 ? Kind.EXPIRE : Kind.TRANSFER;
        if (kind == Kind.TRANSFER) {
            long t = followers.get(rnd.nextInt(followers.size()));
            Progress pr = r.tracker.progress(t);
            if (pr == null || pr.match() != r.raftLog.lastIndex()) {
                kind = Kind.EXPIRE;
            } else {
                isolateTarget(t);
                l.rn.transferLeader(t);
                phase = 2;
                phaseEnd = sim.now + 2L * Simulation.ELECTION;
                return;
            }
        }
        quorum.clear();
        while (quorum.size() < need) {
            quorum.add(followers.remove(rnd.nextInt(followers.size())));
        }
        sim.net.healAll();
        for (long x : sim.nodes.keySet()) {
            if (x != l.id && !quorum.contains(x)) {
                sim.net.cut(l.id, x);
                sim.net.cut(x, l.id);
            }
        }
        if (kind == Kind.EXPIRE) {
            savedDelay = sim.net.maxDelay;
            sim.net.maxDelay = 0;
        }
        phase = 1;
        phaseEnd = sim.now + Simulation.ELECTION + rnd.nextInt(2 * Simulation.ELECTION);
    }

    /** Cuts every link to and from the target, except target -> {@code keepTo} (if not -1). */
    private void isolateTarget(long keepTo) {
        sim.net.healAll();
        for (long x : sim.nodes.keySet()) {
            if (x != target.id) {
                if (x != keepTo) {
                    sim.net.cut(target.id, x);
                }
                sim.net.cut(x, target.id);
            }
        }
    }
}
