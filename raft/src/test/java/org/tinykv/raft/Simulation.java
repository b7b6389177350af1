package org.tinykv.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.EntryType;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.eraftpb.SnapshotMetadata;

/**
 * One deterministic simulation run: a raft group of 3 to 7 voters on a {@link SimNetwork} with faults, crashes
 * that lose unpersisted state, random proposals, membership changes, leader transfers, read-index requests and
 * log compaction, chosen by {@link SimFaults}. The {@link SimChecker} invariants are checked after every Ready;
 * a violation throws AssertionError. After the faulty phase everything heals and a proposal must commit within a
 * bounded number of ticks. Everything derives from the seed.
 *
 * <p>Time: every node is ticked once per step, in lockstep, so the clock drift of the lease model is zero and
 * the lease drift margin is its minimum, 1 tick. Reads: the check-quorum seeds with an even seed number use
 * ReadOnlyOption.LEASE_BASED on every node (with the same crashes, restarts and leader transfers as the others,
 * plus the {@link SimLeaseNemesis} attacks), all other seeds SAFE. {@code -Draft.sim.lease=all} runs every check-quorum seed with leases,
 * {@code -Draft.sim.lease=none} none. Seeds 124 and 430 found stale lease reads before the lease was anchored
 * at heartbeat send time and guarded by the vote barrier (see LeaderLease).
 */
final class Simulation {
    static final int ELECTION = 10;

    private final long seed;
    final SplittableRandom rnd;
    final SimNetwork net;
    final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    final SimChecker checker;
    private final SimFaults faults;
    private final boolean preVote;
    private final boolean checkQuorum;
    private final boolean leaseReads;
    private final int heartbeatTick;
    private final long maxSizePerMsg;
    private final int maxInflight;
    private final long maxInflightBytes;
    private final int faultSteps;
    long now;
    long nextId;
    private int steps;

    Simulation(long seed) {
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.net = new SimNetwork(rnd.split());
        this.preVote = rnd.nextBoolean();
        this.checkQuorum = rnd.nextBoolean();
        this.leaseReads = checkQuorum && leaseFor(seed);
        this.heartbeatTick = 1 + rnd.nextInt(3);
        boolean churn = rnd.nextInt(10) < 7;
        // Churn seeds favour one-entry messages, small groups and slow links: a deposed leader's tail then
        // reaches followers entry by entry, which is where commit-rule bugs (Figure 8) show.
        this.maxSizePerMsg = churn && rnd.nextBoolean() ? 1
                : new long[] {1 << 20, 1, 40 + rnd.nextInt(200)}[rnd.nextInt(3)];
        this.maxInflight = new int[] {1, 4, 256}[rnd.nextInt(3)];
        this.maxInflightBytes = rnd.nextBoolean() ? 0 : 300 + rnd.nextInt(2000);
        this.faultSteps = churn ? 500 + rnd.nextInt(500) : 250 + rnd.nextInt(150);
        net.dropRate = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 0.2;
        net.dupRate = rnd.nextBoolean() ? 0 : rnd.nextDouble() * 0.1;
        net.maxDelay = churn ? 1 + rnd.nextInt(4) : rnd.nextInt(4);
        int n = churn ? 3 + rnd.nextInt(3) : 3 + rnd.nextInt(5);
        long[] voters = new long[n];
        for (int i = 0; i < n; i++) {
            voters[i] = i + 1;
        }
        this.checker = new SimChecker(this::dumpState, nodes, 1, 0);
        for (long id : voters) {
            SimNode node = new SimNode(id, bootstrapStorage(voters));
            nodes.put(id, node);
            start(node);
        }
        nextId = n + 1;
        this.faults = new SimFaults(this, churn, rnd.nextInt(4) != 0);
    }

    /**
     * Like TinyKV, the initial members start from a snapshot at index 1 holding the membership, so a peer added
     * later (with an empty log) is brought up to date by a snapshot rather than by replaying membership from an
     * empty configuration.
     */
    private static MemoryRaftStorage bootstrapStorage(long[] voters) {
        MemoryRaftStorage s = new MemoryRaftStorage();
        ConfState.Builder cs = ConfState.newBuilder();
        for (long v : voters) {
            cs.addNodes(v);
        }
        s.applySnapshot(Snapshot.newBuilder().setData(ByteString.copyFrom(new byte[8]))
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(1).setTerm(1).setConfState(cs)).build());
        s.setHardState(HardState.newBuilder().setTerm(1).setCommit(1).build());
        return s;
    }

    /** Whether a check-quorum seed runs lease reads: {@code -Draft.sim.lease=half} (default: even seeds), all, none. */
    static boolean leaseFor(long seed) {
        String mode = System.getProperty("raft.sim.lease", "half");
        switch (mode) {
            case "all":
            case "true":
                return true;
            case "none":
            case "false":
                return false;
            case "half":
                return (seed & 1) == 0;
            default:
                throw new IllegalArgumentException("raft.sim.lease must be half, all or none: " + mode);
        }
    }

    boolean leaseReads() {
        return leaseReads;
    }

    /** Read requests answered from a lease and after a heartbeat round, by all incarnations of all nodes. */
    long[] readCounts() {
        long[] c = new long[2];
        for (SimNode n : nodes.values()) {
            c[0] += n.leaseReads + (n.alive() ? n.raft().leaseReads : 0);
            c[1] += n.heartbeatReads + (n.alive() ? n.raft().heartbeatReads : 0);
        }
        return c;
    }

    void start(SimNode n) {
        n.start(RaftConfig.builder(n.id).electionTick(ELECTION).heartbeatTick(heartbeatTick)
                .applied(n.storage.snapshot().getMetadata().getIndex()).maxSizePerMsg(maxSizePerMsg)
                .maxInflightMsgs(maxInflight).maxInflightBytes(maxInflightBytes).preVote(preVote)
                .checkQuorum(checkQuorum)
                .readOnlyOption(leaseReads ? ReadOnlyOption.LEASE_BASED : ReadOnlyOption.SAFE)
                .leaseDriftMarginTicks(1)
                .seed(seed).build());
    }

    int steps() {
        return steps;
    }

    /** Runs the faulty phase, heals everything and checks that the group makes progress again. */
    void run() {
        for (int i = 0; i < faultSteps; i++) {
            faults.beforeTick();
            tickAll();
            faults.afterTick();
            settle();
        }
        heal();
        checker.checkLogMatching(nodes.values());
        checkLiveness();
        checker.checkLogMatching(nodes.values());
    }

    private void tickAll() {
        steps++;
        now++;
        for (SimNode n : nodes.values()) {
            if (n.removed && n.alive() && n.destroyAt >= 0 && now >= n.destroyAt) {
                n.crash();  // the store garbage-collects a removed peer
            }
        }
        for (SimNode n : nodes.values()) {
            if (n.alive()) {
                n.rn.tick();
            }
        }
    }

    /** Delivers due messages and processes Readies until nothing is left at this instant. */
    void settle() {
        for (int round = 0; round < 100; round++) {
            boolean progress = false;
            for (SimNode n : new ArrayList<>(nodes.values())) {
                progress |= handleReadies(n);
            }
            List<Message> due = net.due(now);
            for (Message m : due) {
                deliver(m);
            }
            if (!progress && due.isEmpty()) {
                return;
            }
        }
    }

    private void deliver(Message m) {
        SimNode to = nodes.get(m.getTo());
        SimNode from = nodes.get(m.getFrom());
        boolean delivered = to != null && to.alive();
        if (delivered) {
            to.rn.step(m);
        }
        if (m.getMsgType() == MessageType.MsgSnapshot && from != null && from.alive()) {
            from.rn.reportSnapshot(m.getTo(), delivered ? SnapshotStatus.FINISH : SnapshotStatus.FAILURE);
        }
    }

    private boolean handleReadies(SimNode n) {
        boolean any = false;
        while (n.alive() && n.rn.hasReady()) {
            any = true;
            Ready rd = n.rn.ready();
            Raft r = n.raft();
            if (rd.snapshot() != null) {
                installSnapshot(n, rd.snapshot());
            }
            checker.newEntries(n, rd.entries());
            n.storage.append(rd.entries());
            if (rd.hardState() != null) {
                checker.hardStatePersisted(n, n.storage.hardState(), rd.hardState());
                n.storage.setHardState(rd.hardState());
            }
            checker.checkNode(n);
            if (rd.softState() != null && rd.softState().role() == StateRole.LEADER) {
                faults.newLeader(n);
            }
            if (!n.alive()) {
                return any;  // crashed by the nemesis before sending: the messages are lost
            }
            for (Message m : rd.messages()) {
                if (!net.send(now, m)) {
                    if (m.getMsgType() == MessageType.MsgSnapshot) {
                        n.rn.reportSnapshot(m.getTo(), SnapshotStatus.FAILURE);
                    } else if (rnd.nextInt(4) == 0) {
                        n.rn.reportUnreachable(m.getTo());
                    }
                }
            }
            for (Entry e : rd.committedEntries()) {
                apply(n, e);
            }
            for (ReadState rs : rd.readStates()) {
                checker.readAnswered(n, rs);
            }
            n.rn.advance(rd);
            checker.check(r.raftLog.applied() == n.applied, "applied mismatch on " + n.id);
        }
        return any;
    }

    private void installSnapshot(SimNode n, Snapshot s) {
        n.storage.applySnapshot(s);
        long index = s.getMetadata().getIndex();
        n.applied = index;
        n.appHash = ByteBuffer.wrap(s.getData().toByteArray()).getLong();
        n.confState = s.getMetadata().getConfState();
        checker.snapshotInstalled(n, index);
    }

    private void apply(SimNode n, Entry e) {
        checker.check(e.getIndex() == n.applied + 1, "node " + n.id + " applied " + e.getIndex() + " after "
                + n.applied);
        long fp = e.getTerm() * 1_000_003L + e.getData().hashCode() * 31L + e.getEntryTypeValue();
        n.appHash = n.appHash * 0x100000001B3L + fp;
        n.applied = e.getIndex();
        checker.applied(n, e.getIndex());
        if (e.getEntryType() == EntryType.EntryConfChange) {
            ConfChange cc;
            try {
                cc = ConfChange.parseFrom(e.getData());
            } catch (InvalidProtocolBufferException ex) {
                throw new AssertionError("bad conf change entry", ex);
            }
            n.confState = n.rn.applyConfChange(cc);
            // Snapshots are generated from the applied state, so they always carry the current membership.
            snapshotAtApplied(n);
            if (cc.getChangeType() == ConfChangeType.RemoveNode) {
                SimNode gone = nodes.get(cc.getNodeId());
                if (gone != null && !gone.removed) {
                    gone.removed = true;
                    gone.destroyAt = now + rnd.nextInt(3 * ELECTION);
                }
            }
        }
    }

    void snapshotAtApplied(SimNode n) {
        if (n.applied > n.storage.snapshot().getMetadata().getIndex() && n.applied <= n.storage.lastIndex()) {
            n.storage.createSnapshot(n.applied, n.confState,
                    ByteString.copyFrom(ByteBuffer.allocate(8).putLong(n.appHash).array()));
        }
    }

    /** The live leader with the highest term, or null. */
    SimNode leader() {
        SimNode best = null;
        for (SimNode n : nodes.values()) {
            if (n.isLeader() && (best == null || n.raft().term > best.raft().term)) {
                best = n;
            }
        }
        return best;
    }

    // ---- healing and liveness ----

    private void heal() {
        faults.stop();
        net.healAll();
        net.dropRate = 0;
        net.dupRate = 0;
        net.maxDelay = Math.min(net.maxDelay, 1);
        for (SimNode n : nodes.values()) {
            if (n.removed) {
                n.crash();
            } else if (!n.alive()) {
                start(n);
            }
        }
    }

    private void checkLiveness() {
        int limit = 40 * ELECTION;
        SimNode proposer = null;
        long probeIndex = 0;
        long probeTerm = 0;
        long proposedAt = 0;
        for (int t = 0; t < limit; t++) {
            tickAll();
            settle();
            SimNode l = leader();
            if (l == null || !l.raft().tracker.isVoter(l.id)) {
                continue;
            }
            Raft r = l.raft();
            if (proposer == l && r.term == probeTerm && r.raftLog.committed() >= probeIndex
                    && r.raftLog.termOrZero(probeIndex) == probeTerm) {
                return;
            }
            if (proposer != l || r.term != probeTerm || now - proposedAt > 3 * ELECTION) {
                if (l.rn.propose(ByteString.copyFromUtf8("live"))) {
                    proposer = l;
                    probeIndex = r.raftLog.lastIndex();
                    probeTerm = r.term;
                    proposedAt = now;
                }
            }
        }
        throw new AssertionError("no leader committed a proposal within " + limit + " ticks after healing; "
                + dumpState());
    }

    private String dumpState() {
        StringBuilder sb = new StringBuilder();
        sb.append("step ").append(steps).append(" seed=").append(seed).append(" nodes=").append(nodes.size())
                .append(" preVote=").append(preVote).append(" checkQuorum=").append(checkQuorum)
                .append(" lease=").append(leaseReads).append(" maxMsg=").append(maxSizePerMsg)
                .append(" drop=").append(String.format("%.2f", net.dropRate))
                .append(" dup=").append(String.format("%.2f", net.dupRate)).append(" delay=").append(net.maxDelay)
                .append(' ').append(faults);
        for (SimNode n : nodes.values()) {
            sb.append("\n  node ").append(n.id).append(n.removed ? " removed" : "");
            if (n.alive()) {
                Raft r = n.raft();
                sb.append(' ').append(r.state).append(" term=").append(r.term).append(" lead=").append(r.lead)
                        .append(" commit=").append(r.raftLog.committed()).append(" applied=")
                        .append(r.raftLog.applied()).append(" last=").append(r.raftLog.lastIndex())
                        .append(' ').append(r.tracker.membership());
            } else {
                sb.append(" down");
            }
        }
        return sb.toString();
    }
}
