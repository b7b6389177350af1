package org.tinykv.raft;

import com.google.protobuf.ByteString;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.raft.log.RaftLog;

/**
 * The safety invariants of a {@link Simulation}, checked after every Ready of every node (so a leader that
 * exists only briefly is still checked):
 * <ul>
 *   <li>election safety: at most one leader per term;</li>
 *   <li>log matching: an (index, term) pair always names the same entry with the same predecessor term, and
 *       any two live logs agreeing at an index agree on every earlier index;</li>
 *   <li>durability of commits: when a leader advances its commit index c, no voter whose persisted log lacks
 *       entry c could collect a quorum of votes from the persisted logs of its configuration (the lemma behind
 *       leader completeness; it flags a commit that a later election could undo, e.g. Figure 8 of the Raft
 *       paper, at the moment it happens);</li>
 *   <li>leader completeness: a new leader holds every entry any node ever reported committed (up to the highest
 *       commit index ever reported), with the same term;</li>
 *   <li>state machine safety: a committed index never changes its term, and every node applies the same entries
 *       in the same order (a hash chain per applied index, also compared against installed snapshots);</li>
 *   <li>read index: a read state is never older than the highest commit reported when the read began;</li>
 *   <li>persisted term and commit never regress.</li>
 * </ul>
 */
final class SimChecker {
    private record IndexTerm(long index, long term) {
    }

    private final Supplier<String> context;
    private final Map<Long, SimNode> nodes;
    private long durableChecked;
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    private final Map<Long, Long> committedTerm = new HashMap<>();
    private final Map<Long, Long> chainHash = new HashMap<>();
    private final Map<IndexTerm, long[]> entryAt = new HashMap<>();
    private final Map<ByteString, Long> readRequired = new HashMap<>();
    private long maxCommitted;

    SimChecker(Supplier<String> context, Map<Long, SimNode> nodes, long bootstrapIndex, long bootstrapHash) {
        this.context = context;
        this.nodes = nodes;
        chainHash.put(bootstrapIndex, bootstrapHash);
        committedTerm.put(bootstrapIndex, 1L);
        maxCommitted = bootstrapIndex;
    }

    void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what + "; " + context.get());
        }
    }

    long maxCommitted() {
        return maxCommitted;
    }

    /** A read with {@code ctx} begins now: its answer must cover every write committed so far. */
    void readStarted(ByteString ctx) {
        readRequired.put(ctx, maxCommitted);
    }

    void readAnswered(SimNode n, ReadState rs) {
        Long required = readRequired.get(rs.context());  // a duplicated message may answer twice
        check(required != null, "unknown read state " + rs + " on " + n.id);
        check(rs.index() >= required, "stale read index " + rs.index() + " < " + required + " on " + n.id);
    }

    void hardStatePersisted(SimNode n, HardState old, HardState hs) {
        check(hs.getTerm() >= old.getTerm(), "term regressed on " + n.id);
        check(hs.getCommit() >= old.getCommit(), "persisted commit regressed on " + n.id);
    }

    /** Entries about to be persisted by {@code n}, checked against every entry ever seen at the same place. */
    void newEntries(SimNode n, List<Entry> ents) {
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

    void snapshotInstalled(SimNode n, long index) {
        Long expect = chainHash.get(index);
        check(expect == null || expect == n.appHash, "snapshot state at " + index + " differs on " + n.id);
    }

    /** {@code n} applied entry {@code index}, its state-machine hash is now n.appHash. */
    void applied(SimNode n, long index) {
        Long expect = chainHash.putIfAbsent(index, n.appHash);
        check(expect == null || expect == n.appHash, "node " + n.id + " applied a different entry at " + index);
    }

    /** Checks one live node's role and committed prefix. */
    void checkNode(SimNode n) {
        Raft r = n.raft();
        long commit = r.raftLog.committed();
        long from = Math.max(n.checkedCommit + 1, r.raftLog.firstIndex());
        for (long i = from; i <= commit; i++) {
            long t = r.raftLog.term(i);
            Long expect = committedTerm.putIfAbsent(i, t);
            check(expect == null || expect == t, "committed entry " + i + " changed term (" + expect + " -> " + t
                    + ") on " + n.id);
        }
        n.checkedCommit = Math.max(n.checkedCommit, commit);
        maxCommitted = Math.max(maxCommitted, commit);
        if (r.state == StateRole.LEADER) {
            if (commit > durableChecked) {
                checkCommitDurable(n, commit);
                durableChecked = commit;
            }
            Long prev = leaderOfTerm.putIfAbsent(r.term, n.id);
            check(prev == null || prev == n.id, "two leaders in term " + r.term + ": " + prev + " and " + n.id);
            if (prev == null) {
                checkLeaderCompleteness(n);
            }
        }
    }

    private void checkCommitDurable(SimNode leader, long index) {
        long term = leader.raft().raftLog.term(index);
        var voters = leader.raft().tracker.membership().voters();
        for (int c = 0; c < voters.size(); c++) {
            SimNode cand = nodes.get(voters.idAt(c));
            if (cand == null || holds(cand.storage, index, term)) {
                continue;
            }
            long candLast = cand.storage.lastIndex();
            long candTerm = cand.storage.term(candLast);
            int votes = 0;
            for (int v = 0; v < voters.size(); v++) {
                SimNode voter = nodes.get(voters.idAt(v));
                long last = voter == null ? 0 : voter.storage.lastIndex();
                long lastTerm = voter == null ? 0 : voter.storage.term(last);
                if (candTerm > lastTerm || (candTerm == lastTerm && candLast >= last)) {
                    votes++;
                }
            }
            check(votes < voters.quorum(), "entry " + index + " (term " + term + ") committed by leader " + leader.id
                    + " can be lost: node " + cand.id + " lacks it and could win " + votes + " votes");
        }
    }

    private static boolean holds(MemoryRaftStorage s, long index, long term) {
        if (index < s.firstIndex()) {
            return true;  // compacted into a snapshot of applied (hence committed) entries
        }
        return index <= s.lastIndex() && s.term(index) == term;
    }

    private void checkLeaderCompleteness(SimNode n) {
        RaftLog log = n.raft().raftLog;
        check(log.lastIndex() >= maxCommitted, "leader " + n.id + " lacks committed entries up to " + maxCommitted);
        for (long i = log.firstIndex(); i <= maxCommitted; i++) {
            Long t = committedTerm.get(i);
            check(t == null || log.term(i) == t, "leader " + n.id + " has a different entry at committed " + i);
        }
    }

    /** Pairwise: if two live logs share (index, term), all earlier overlapping entries are equal. */
    void checkLogMatching(Collection<SimNode> nodes) {
        List<SimNode> live = nodes.stream().filter(SimNode::alive).toList();
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
}
