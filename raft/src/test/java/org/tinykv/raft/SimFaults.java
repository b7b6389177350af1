package org.tinykv.raft;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.raft.tracker.Membership;

/**
 * The nemesis and the client of a {@link Simulation}. Two schedules, chosen per seed:
 * <ul>
 *   <li>classic: random proposals, reads, membership changes, transfers, partitions, crashes and compaction;</li>
 *   <li>churn: aimed at the leader-change bugs (Raft paper, Figure 8): fault windows of a few ticks that isolate
 *       the leader right after it appended (its tail stays uncommitted on a minority), put it in a minority with
 *       a follower, crash it with an unpersisted Ready, or heal briefly; proposals go both to the newest leader
 *       and to stale leaders on the minority side; crashed nodes come back with old uncommitted tails.</li>
 * </ul>
 */
final class SimFaults {
    private final Simulation sim;
    private final SplittableRandom rnd;
    private final boolean churn;
    private final boolean crashes;
    private boolean stopped;
    private long nextChange;
    /** A leader the churn schedule will cut off at {@link #doomAt}, while it is still catching followers up. */
    private SimNode doomed;
    private long doomAt;
    private long proposals;
    private long reads;
    /** Attacks on the leader lease, on lease seeds only (null otherwise). */
    private final SimLeaseNemesis nemesis;

    SimFaults(Simulation sim, boolean churn, boolean crashes) {
        this.sim = sim;
        this.rnd = sim.rnd.split();
        this.churn = churn;
        this.crashes = crashes;
        this.nemesis = sim.leaseReads() ? new SimLeaseNemesis(sim, this, rnd.split(), crashes) : null;
    }

    @Override
    public String toString() {
        return (churn ? "churn" : "classic") + " crashes=" + crashes + " proposals=" + proposals + " reads=" + reads
                + (nemesis != null ? " leaseAttacks=" + nemesis.attacks() : "");
    }

    /** Ends the faulty phase: no more faults. */
    void stop() {
        stopped = true;
        if (nemesis != null) {
            nemesis.stop();
        }
    }

    /** Called before each tick of the faulty phase. */
    void beforeTick() {
        if (nemesis != null) {
            nemesis.step();
            if (nemesis.active()) {
                return;
            }
        }
        if (churn) {
            churnStep();
        } else if (rnd.nextInt(100) < 35) {
            classicAction();
        }
    }

    /** Called after the tick, before messages are delivered: a crash here loses the Ready the tick produced. */
    void afterTick() {
        if (nemesis != null && nemesis.active()) {
            return;
        }
        if (churn && crashes && rnd.nextInt(200) == 0) {
            SimNode l = sim.leader();
            if (l != null) {
                propose(l, 1 + rnd.nextInt(3));
                l.crash();
            }
        }
    }

    /**
     * Called when {@code n} has just become leader and persisted its first Ready, before its messages are sent:
     * in churn seeds the new leader is often cut off (or crashed) at once, so its empty entry and the proposals
     * it takes stay an uncommitted tail of its term on a minority.
     */
    void newLeader(SimNode n) {
        if (!churn || stopped || (nemesis != null && nemesis.active())) {
            return;
        }
        int f = rnd.nextInt(100);
        if (f < 30) {
            propose(n, rnd.nextInt(3));
            isolate(List.of(n.id));
            nextChange = sim.now + 1 + rnd.nextInt(2 * Simulation.ELECTION);
        } else if (f < 70) {
            doomed = n;
            doomAt = sim.now + rnd.nextInt(6);
        } else if (f < 80 && crashes) {
            n.crash();
        }
    }

    // ---- churn ----

    private void churnStep() {
        if (doomed != null && sim.now >= doomAt) {
            if (doomed.isLeader()) {
                if (crashes && rnd.nextInt(3) == 0) {
                    doomed.crash();
                } else {
                    isolate(List.of(doomed.id));
                    nextChange = sim.now + 1 + rnd.nextInt(2 * Simulation.ELECTION);
                }
            }
            doomed = null;
        }
        if (sim.now >= nextChange) {
            nextChange = sim.now + 1 + rnd.nextInt(2 * Simulation.ELECTION);
            churnFault();
        }
        int a = rnd.nextInt(100);
        if (a < 30) {
            SimNode l = sim.leader();
            if (l != null) {
                propose(l, 1 + rnd.nextInt(3));
            }
        } else if (a < 40) {
            List<SimNode> leaders = sim.nodes.values().stream().filter(SimNode::isLeader).toList();
            if (!leaders.isEmpty()) {
                propose(leaders.get(rnd.nextInt(leaders.size())), 1 + rnd.nextInt(3));  // maybe a stale one
            }
        } else if (a < 48) {
            read();
        } else if (a < 50) {
            membershipChange();
        } else if (a < 52) {
            transfer();
        } else if (a < 54) {
            compact();
        }
    }

    private void churnFault() {
        SimNode l = sim.leader();
        int f = rnd.nextInt(100);
        if (f < 30 && l != null) {
            propose(l, 1 + rnd.nextInt(4));
            isolate(List.of(l.id));
        } else if (f < 50 && l != null) {
            List<Long> minority = new ArrayList<>();
            minority.add(l.id);
            SimNode other = randomLive();
            if (other != null && other != l) {
                minority.add(other.id);
            }
            propose(l, 1 + rnd.nextInt(4));
            isolate(minority);
        } else if (f < 62 && l != null && crashes) {
            l.crash();
        } else if (f < 75) {
            restartOne();
            sim.net.healAll();
        } else if (f < 90) {
            sim.net.healAll();
        } else {
            partition();
        }
    }

    /** Cuts every link between {@code side} and the rest. */
    private void isolate(List<Long> side) {
        sim.net.healAll();
        for (long x : sim.nodes.keySet()) {
            for (long y : sim.nodes.keySet()) {
                if (side.contains(x) != side.contains(y)) {
                    sim.net.cut(x, y);
                }
            }
        }
    }

    private void restartOne() {
        List<SimNode> down = sim.nodes.values().stream().filter(n -> !n.alive() && !n.removed).toList();
        if (!down.isEmpty()) {
            sim.start(down.get(rnd.nextInt(down.size())));
        }
    }

    // ---- classic ----

    private void classicAction() {
        int a = rnd.nextInt(100);
        if (a < 40) {
            SimNode n = rnd.nextInt(3) == 0 ? randomLive() : sim.leader();
            if (n != null) {
                propose(n, 1);
            }
        } else if (a < 55) {
            read();
        } else if (a < 62) {
            membershipChange();
        } else if (a < 67) {
            transfer();
        } else if (a < 77) {
            partition();
        } else if (a < 87) {
            crashOrRestart();
        } else {
            compact();
        }
    }

    private void crashOrRestart() {
        if (!crashes) {
            return;
        }
        List<SimNode> down = sim.nodes.values().stream().filter(n -> !n.alive() && !n.removed).toList();
        if (!down.isEmpty() && rnd.nextBoolean()) {
            sim.start(down.get(rnd.nextInt(down.size())));
            return;
        }
        SimNode n = randomLive();
        if (n != null) {
            n.crash();
        }
    }

    private void partition() {
        SimNetwork net = sim.net;
        net.healAll();
        List<Long> ids = new ArrayList<>(sim.nodes.keySet());
        switch (rnd.nextInt(4)) {
            case 0:
                return;  // healed
            case 1:
                isolate(List.of(ids.get(rnd.nextInt(ids.size()))));
                return;
            case 2: {
                List<Long> side = new ArrayList<>();
                for (long id : ids) {
                    if (rnd.nextBoolean()) {
                        side.add(id);
                    }
                }
                isolate(side);
                return;
            }
            default:
                for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                    net.cut(ids.get(rnd.nextInt(ids.size())), ids.get(rnd.nextInt(ids.size())));
                }
        }
    }

    // ---- client actions ----

    private SimNode randomLive() {
        List<SimNode> live = sim.nodes.values().stream().filter(n -> n.alive() && !n.removed).toList();
        return live.isEmpty() ? null : live.get(rnd.nextInt(live.size()));
    }

    private void propose(SimNode n, int count) {
        for (int i = 0; i < count; i++) {
            proposals++;
            n.rn.propose(ByteString.copyFromUtf8("p" + proposals));
        }
    }

    private void read() {
        SimNode n = randomLive();
        if (n != null) {
            readAt(n);
        }
    }

    /** Starts a read on live node {@code n}: its answer must cover every write committed so far. */
    void readAt(SimNode n) {
        ByteString ctx = ByteString.copyFromUtf8("r" + (++reads));
        sim.checker.readStarted(ctx);
        n.rn.readIndex(ctx);
    }

    private void transfer() {
        SimNode l = sim.leader();
        SimNode t = randomLive();
        if (l != null && t != null) {
            l.rn.transferLeader(t.id);
        }
    }

    private void membershipChange() {
        SimNode l = sim.leader();
        if (l == null) {
            return;
        }
        Membership m = l.raft().tracker.membership();
        int voters = m.voters().size();
        ConfChange.Builder cc = ConfChange.newBuilder();
        if (m.learners().length > 0 && voters < 7 && rnd.nextBoolean()) {
            cc.setChangeType(ConfChangeType.AddNode).setNodeId(m.learners()[0]);
        } else if (voters < 7 && (voters <= 3 || rnd.nextBoolean())) {
            long id = sim.nextId++;
            SimNode fresh = new SimNode(id, new MemoryRaftStorage());
            sim.nodes.put(id, fresh);
            sim.start(fresh);
            cc.setChangeType(rnd.nextInt(4) == 0 ? ConfChangeType.AddLearnerNode : ConfChangeType.AddNode)
                    .setNodeId(id);
        } else {
            long[] ids = m.voters().ids();
            cc.setChangeType(ConfChangeType.RemoveNode).setNodeId(ids[rnd.nextInt(ids.length)]);
        }
        l.rn.proposeConfChange(cc.build());
    }

    private void compact() {
        SimNode n = randomLive();
        if (n == null || n.applied <= n.storage.firstIndex()) {
            return;
        }
        sim.snapshotAtApplied(n);
        long keep = rnd.nextInt(5);
        n.storage.compact(Math.max(n.storage.firstIndex() - 1, n.applied - keep));
    }
}
