package org.tinykv.raft;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.tinykv.raft.log.RaftLog;
import org.tinykv.raft.tracker.Membership;

/**
 * One deterministic simulation run: a raft group of 3 to 7 voters on a {@link SimNetwork} with faults, crashes
 * that lose unpersisted state, random proposals, membership changes, leader transfers, read-index requests and
 * log compaction. Invariants are checked after every step; a violation throws AssertionError. Everything derives
 * from the seed.
 */
final class Simulation {
    private static final int ELECTION = 10;

    /** A simulated server: durable storage plus the volatile RawNode and application state. */
    private final class Node {
        final long id;
        final MemoryRaftStorage storage;
        RawNode rn;
        boolean removed;
        long destroyAt = -1;
        long appHash;
        long applied;
        ConfState confState;
        long checkedCommit;

        Node(long id, MemoryRaftStorage storage) {
            this.id = id;
            this.storage = storage;
            start();
        }

        void start() {
            Snapshot s = storage.snapshot();
            applied = s.getMetadata().getIndex();
            appHash = applied == 0 ? 0 : ByteBuffer.wrap(s.getData().toByteArray()).getLong();
            confState = s.getMetadata().getConfState();
            checkedCommit = 0;
            rn = new RawNode(config(id, applied), storage);
        }

        boolean alive() {
            return rn != null;
        }

        Raft raft() {
            return rn.raft();
        }
    }

    private record IndexTerm(long index, long term) {
    }

    private final long seed;
    private final SplittableRandom rnd;
    private final SimNetwork net;
    private final TreeMap<Long, Node> nodes = new TreeMap<>();
    private final boolean preVote;
    private final boolean checkQuorum;
    private final int heartbeatTick;
    private final long maxSizePerMsg;
    private final int maxInflight;
    private final long maxInflightBytes;
    private final boolean crashes;
    private final int faultSteps;

    // invariant bookkeeping
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<Long, Long> committedTerm = new HashMap<>();
    private final Map<Long, Long> chainHash = new HashMap<>();
    private final Map<IndexTerm, long[]> entryAt = new HashMap<>();
    private final Map<ByteString, Long> readRequired = new HashMap<>();
    private long maxCommitted;
    private long now;
    private long nextId;
    private long proposals;
    private int steps;
    private int reads;

    Simulation(long seed) {
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.net = new SimNetwork(rnd.split());
        this.preVote = rnd.nextBoolean();
        this.checkQuorum = rnd.nextBoolean();
        this.heartbeatTick = 1 + rnd.nextInt(3);
        this.maxSizePerMsg = rnd.nextBoolean() ? 1 << 20 : 40 + rnd.nextInt(200);
        this.maxInflight = new int[] {1, 4, 256}[rnd.nextInt(3)];
        this.maxInflightBytes = rnd.nextBoolean() ? 0 : 300 + rnd.nextInt(2000);
        this.crashes = rnd.nextInt(4) != 0;
        this.faultSteps = 250 + rnd.nextInt(150);
        net.dropRate = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 0.2;
        net.dupRate = rnd.nextBoolean() ? 0 : rnd.nextDouble() * 0.1;
        net.maxDelay = rnd.nextInt(4);
        int n = 3 + rnd.nextInt(5);
        long[] voters = new long[n];
        for (int i = 0; i < n; i++) {
            voters[i] = i + 1;
        }
        for (long id : voters) {
            nodes.put(id, new Node(id, bootstrapStorage(voters)));
        }
        nextId = n + 1;
        chainHash.put(1L, 0L);
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
                .setMetadata(org.tinykv.proto.eraftpb.SnapshotMetadata.newBuilder().setIndex(1).setTerm(1)
                        .setConfState(cs)).build());
        s.setHardState(HardState.newBuilder().setTerm(1).setCommit(1).build());
        return s;
    }

    private RaftConfig config(long id, long applied) {
        return RaftConfig.builder(id).electionTick(ELECTION).heartbeatTick(heartbeatTick).applied(applied)
                .maxSizePerMsg(maxSizePerMsg).maxInflightMsgs(maxInflight).maxInflightBytes(maxInflightBytes)
                .preVote(preVote).checkQuorum(checkQuorum).seed(seed).build();
    }

    int steps() {
        return steps;
    }

    String describe() {
        return "seed=" + seed + " nodes=" + nodes.size() + " preVote=" + preVote + " checkQuorum=" + checkQuorum
                + " drop=" + String.format("%.2f", net.dropRate) + " dup=" + String.format("%.2f", net.dupRate)
                + " delay=" + net.maxDelay + " crashes=" + crashes + " proposals=" + proposals + " reads=" + reads;
    }

    /** Runs the faulty phase, heals everything and checks that the group makes progress again. */
    void run() {
        for (int i = 0; i < faultSteps; i++) {
            if (rnd.nextInt(100) < 35) {
                randomAction();
            }
            step();
        }
        heal();
        checkLogMatching();
        checkLiveness();
        checkLogMatching();
    }

    private void step() {
        steps++;
        now++;
        for (Node n : nodes.values()) {
            if (n.removed && n.alive() && n.destroyAt >= 0 && now >= n.destroyAt) {
                n.rn = null;  // the store garbage-collects a removed peer
            }
        }
        for (Node n : new ArrayList<>(nodes.values())) {
            if (n.alive()) {
                n.rn.tick();
            }
        }
        settle();
        checkInvariants();
    }

    /** Delivers due messages and processes Readies until nothing is left at this instant. */
    private void settle() {
        for (int round = 0; round < 100; round++) {
            boolean progress = false;
            for (Node n : new ArrayList<>(nodes.values())) {
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
        Node to = nodes.get(m.getTo());
        Node from = nodes.get(m.getFrom());
        boolean delivered = to != null && to.alive();
        if (delivered) {
            to.rn.step(m);
        }
        if (m.getMsgType() == MessageType.MsgSnapshot && from != null && from.alive()) {
            from.rn.reportSnapshot(m.getTo(), delivered ? SnapshotStatus.FINISH : SnapshotStatus.FAILURE);
        }
    }

    private boolean handleReadies(Node n) {
        boolean any = false;
        while (n.alive() && n.rn.hasReady()) {
            any = true;
            Ready rd = n.rn.ready();
            Raft r = n.raft();
            if (rd.snapshot() != null) {
                installSnapshot(n, rd.snapshot());
            }
            checkNewEntries(n, rd.entries());
            n.storage.append(rd.entries());
            if (rd.hardState() != null) {
                HardState old = n.storage.hardState();
                check(rd.hardState().getTerm() >= old.getTerm(), "term regressed on " + n.id);
                check(rd.hardState().getCommit() >= old.getCommit(), "persisted commit regressed on " + n.id);
                n.storage.setHardState(rd.hardState());
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
                Long required = readRequired.get(rs.context());  // duplicated messages may answer twice
                check(required != null, "unknown read state " + rs + " on " + n.id);
                check(rs.index() >= required, "stale read index " + rs.index() + " < " + required + " on " + n.id);
            }
            n.rn.advance(rd);
            check(r.raftLog.applied() == n.applied, "applied mismatch on " + n.id);
        }
        return any;
    }

    private void installSnapshot(Node n, Snapshot s) {
        n.storage.applySnapshot(s);
        long index = s.getMetadata().getIndex();
        n.applied = index;
        n.appHash = ByteBuffer.wrap(s.getData().toByteArray()).getLong();
        n.confState = s.getMetadata().getConfState();
        Long expect = chainHash.get(index);
        check(expect == null || expect == n.appHash, "snapshot state at " + index + " differs on " + n.id);
    }

    private void apply(Node n, Entry e) {
        check(e.getIndex() == n.applied + 1, "node " + n.id + " applied " + e.getIndex() + " after " + n.applied);
        long fp = e.getTerm() * 1_000_003L + e.getData().hashCode() * 31L + e.getEntryTypeValue();
        n.appHash = n.appHash * 0x100000001B3L + fp;
        n.applied = e.getIndex();
        Long expect = chainHash.putIfAbsent(e.getIndex(), n.appHash);
        check(expect == null || expect == n.appHash, "node " + n.id + " applied a different entry at " + e.getIndex());
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
                Node gone = nodes.get(cc.getNodeId());
                if (gone != null && !gone.removed) {
                    gone.removed = true;
                    gone.destroyAt = now + rnd.nextInt(3 * ELECTION);
                }
            }
        }
    }

    private void checkNewEntries(Node n, List<Entry> ents) {
        RaftLog log = n.raft().raftLog;
        long prevTerm = ents.isEmpty() ? 0 : log.termOrZero(ents.get(0).getIndex() - 1);
        for (Entry e : ents) {
            long fp = e.getData().hashCode() * 31L + e.getEntryTypeValue();
            long[] seen = entryAt.putIfAbsent(new IndexTerm(e.getIndex(), e.getTerm()), new long[] {prevTerm, fp});
            if (seen != null) {
                check(seen[1] == fp, "two different entries at index " + e.getIndex() + " term " + e.getTerm());
                check(seen[0] == prevTerm || prevTerm == 0 || seen[0] == 0,
                        "log matching violated before index " + e.getIndex() + " term " + e.getTerm());
            }
            prevTerm = e.getTerm();
        }
    }

    private void checkInvariants() {
        for (Node n : nodes.values()) {
            if (!n.alive()) {
                continue;
            }
            Raft r = n.raft();
            if (r.state == StateRole.LEADER) {
                Long prev = leaderOfTerm.putIfAbsent(r.term, n.id);
                check(prev == null || prev == n.id, "two leaders in term " + r.term + ": " + prev + " and " + n.id);
                if (prev == null) {
                    checkLeaderCompleteness(n);
                }
            }
            long commit = r.raftLog.committed();
            long from = Math.max(n.checkedCommit + 1, r.raftLog.firstIndex());
            for (long i = from; i <= commit; i++) {
                long t = r.raftLog.term(i);
                Long expect = committedTerm.putIfAbsent(i, t);
                check(expect == null || expect == t, "committed entry " + i + " changed term on " + n.id);
            }
            n.checkedCommit = Math.max(n.checkedCommit, commit);
            maxCommitted = Math.max(maxCommitted, commit);
        }
    }

    private void checkLeaderCompleteness(Node n) {
        RaftLog log = n.raft().raftLog;
        check(log.lastIndex() >= maxCommitted, "leader " + n.id + " lacks committed entries up to " + maxCommitted);
        for (long i = log.firstIndex(); i <= maxCommitted; i++) {
            Long t = committedTerm.get(i);
            check(t == null || log.term(i) == t, "leader " + n.id + " has a different entry at committed " + i);
        }
    }

    /** Pairwise: if two logs share (index, term), all earlier overlapping entries are equal. */
    private void checkLogMatching() {
        List<Node> live = nodes.values().stream().filter(Node::alive).toList();
        for (int a = 0; a < live.size(); a++) {
            for (int b = a + 1; b < live.size(); b++) {
                RaftLog la = live.get(a).raft().raftLog;
                RaftLog lb = live.get(b).raft().raftLog;
                long lo = Math.max(la.firstIndex(), lb.firstIndex());
                long hi = Math.min(la.lastIndex(), lb.lastIndex());
                boolean matched = false;
                for (long i = hi; i >= lo; i--) {
                    boolean same = la.term(i) == lb.term(i);
                    if (matched) {
                        check(same, "log matching violated at " + i + " between " + live.get(a).id + " and "
                                + live.get(b).id);
                    }
                    matched |= same;
                }
            }
        }
    }

    // ---- random actions ----

    private Node leader() {
        Node best = null;
        for (Node n : nodes.values()) {
            if (n.alive() && n.raft().state == StateRole.LEADER && (best == null || n.raft().term > best.raft().term)) {
                best = n;
            }
        }
        return best;
    }

    private Node randomLive() {
        List<Node> live = nodes.values().stream().filter(n -> n.alive() && !n.removed).toList();
        return live.isEmpty() ? null : live.get(rnd.nextInt(live.size()));
    }

    private void randomAction() {
        int a = rnd.nextInt(100);
        if (a < 40) {
            Node n = rnd.nextInt(3) == 0 ? randomLive() : leader();
            if (n != null) {
                proposals++;
                n.rn.propose(ByteString.copyFromUtf8("p" + proposals));
            }
        } else if (a < 55) {
            Node n = randomLive();
            if (n != null) {
                ByteString ctx = ByteString.copyFromUtf8("r" + (++reads));
                readRequired.put(ctx, maxCommitted);
                n.rn.readIndex(ctx);
            }
        } else if (a < 62) {
            membershipChange();
        } else if (a < 67) {
            Node l = leader();
            Node t = randomLive();
            if (l != null && t != null) {
                l.rn.transferLeader(t.id);
            }
        } else if (a < 77) {
            partition();
        } else if (a < 87) {
            crashOrRestart();
        } else {
            compact();
        }
    }

    private void membershipChange() {
        Node l = leader();
        if (l == null) {
            return;
        }
        Membership m = l.raft().tracker.membership();
        int voters = m.voters().size();
        ConfChange.Builder cc = ConfChange.newBuilder();
        if (m.learners().length > 0 && voters < 7 && rnd.nextBoolean()) {
            cc.setChangeType(ConfChangeType.AddNode).setNodeId(m.learners()[0]);
        } else if (voters < 7 && (voters <= 3 || rnd.nextBoolean())) {
            long id = nextId++;
            nodes.put(id, new Node(id, new MemoryRaftStorage()));
            cc.setChangeType(rnd.nextInt(4) == 0 ? ConfChangeType.AddLearnerNode : ConfChangeType.AddNode)
                    .setNodeId(id);
        } else {
            long[] ids = m.voters().ids();
            cc.setChangeType(ConfChangeType.RemoveNode).setNodeId(ids[rnd.nextInt(ids.length)]);
        }
        l.rn.proposeConfChange(cc.build());
    }

    private void partition() {
        net.healAll();
        List<Long> ids = new ArrayList<>(nodes.keySet());
        switch (rnd.nextInt(4)) {
            case 0:
                return;  // healed
            case 1: {
                long victim = ids.get(rnd.nextInt(ids.size()));
                for (long o : ids) {
                    net.cut(victim, o);
                    net.cut(o, victim);
                }
                return;
            }
            case 2: {
                List<Long> side = new ArrayList<>();
                for (long id : ids) {
                    if (rnd.nextBoolean()) {
                        side.add(id);
                    }
                }
                for (long x : ids) {
                    for (long y : ids) {
                        if (side.contains(x) != side.contains(y)) {
                            net.cut(x, y);
                        }
                    }
                }
                return;
            }
            default:
                for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                    net.cut(ids.get(rnd.nextInt(ids.size())), ids.get(rnd.nextInt(ids.size())));
                }
        }
    }

    private void crashOrRestart() {
        if (!crashes) {
            return;
        }
        List<Node> down = nodes.values().stream().filter(n -> !n.alive() && !n.removed).toList();
        if (!down.isEmpty() && rnd.nextBoolean()) {
            down.get(rnd.nextInt(down.size())).start();
            return;
        }
        Node n = randomLive();
        if (n != null) {
            n.rn = null;
        }
    }

    private void compact() {
        Node n = randomLive();
        if (n == null || n.applied <= n.storage.firstIndex()) {
            return;
        }
        snapshotAtApplied(n);
        long keep = rnd.nextInt(5);
        n.storage.compact(Math.max(n.storage.firstIndex() - 1, n.applied - keep));
    }

    private void snapshotAtApplied(Node n) {
        if (n.applied > n.storage.snapshot().getMetadata().getIndex() && n.applied <= n.storage.lastIndex()) {
            n.storage.createSnapshot(n.applied, n.confState,
                    ByteString.copyFrom(ByteBuffer.allocate(8).putLong(n.appHash).array()));
        }
    }

    // ---- healing and liveness ----

    private void heal() {
        net.healAll();
        net.dropRate = 0;
        net.dupRate = 0;
        net.maxDelay = Math.min(net.maxDelay, 1);
        for (Node n : nodes.values()) {
            if (n.removed) {
                n.rn = null;
            } else if (!n.alive()) {
                n.start();
            }
        }
    }

    private void checkLiveness() {
        int limit = 40 * ELECTION;
        Node proposer = null;
        long probeIndex = 0;
        long probeTerm = 0;
        long proposedAt = 0;
        for (int t = 0; t < limit; t++) {
            step();
            Node l = leader();
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
                + dump());
    }

    private String dump() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes.values()) {
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

    private void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("invariant violated at step " + steps + ": " + what + "; " + describe()
                    + dump());
        }
    }
}
