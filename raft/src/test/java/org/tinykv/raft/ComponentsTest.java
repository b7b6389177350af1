package org.tinykv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.raft.confchange.Changer;
import org.tinykv.raft.quorum.MajorityConfig;
import org.tinykv.raft.quorum.VoteResult;
import org.tinykv.raft.tracker.Inflights;
import org.tinykv.raft.tracker.Membership;
import org.tinykv.raft.tracker.Progress;
import org.tinykv.raft.tracker.ProgressState;

/** Unit tests of the small pure components: quorum math, inflights, progress, conf changes, storage. */
class ComponentsTest {

    @Test
    void committedIndexMatchesBruteForceModel() {
        long seed = Long.getLong("raft.components.seed", 42);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int iter = 0; iter < 2000; iter++) {
            int n = 1 + rnd.nextInt(7);
            long[] ids = new long[n];
            long[] acked = new long[n];
            for (int i = 0; i < n; i++) {
                ids[i] = i + 1;
                acked[i] = rnd.nextInt(20);
            }
            MajorityConfig c = MajorityConfig.of(ids);
            long got = c.committedIndex(id -> acked[(int) id - 1]);
            long want = 0;
            for (long cand = 0; cand < 20; cand++) {
                long cnt = 0;
                for (long a : acked) {
                    cnt += a >= cand ? 1 : 0;
                }
                if (cnt >= n / 2 + 1) {
                    want = cand;
                }
            }
            assertEquals(want, got, "seed=" + seed + " acked=" + java.util.Arrays.toString(acked));
        }
    }

    @Test
    void voteResults() {
        MajorityConfig c = MajorityConfig.of(1, 2, 3);
        assertEquals(VoteResult.WON, c.voteResult(id -> id <= 2 ? 1 : -1));
        assertEquals(VoteResult.PENDING, c.voteResult(id -> id == 1 ? 1 : -1));
        assertEquals(VoteResult.LOST, c.voteResult(id -> id == 1 ? 1 : 0));
        assertEquals(VoteResult.WON, MajorityConfig.of().voteResult(id -> 0));
    }

    @Test
    void inflightsBoundedByCountAndBytes() {
        Inflights in = new Inflights(3, 100);
        in.add(1, 10);
        in.add(2, 10);
        assertFalse(in.full());
        in.add(3, 10);
        assertTrue(in.full());
        in.freeLE(2);
        assertEquals(1, in.count());
        in.add(4, 95);
        assertTrue(in.full(), "byte limit");
        in.freeFirstOne();
        assertEquals(95, in.bytes());
        assertThrows(IllegalStateException.class, () -> {
            Inflights f = new Inflights(1, 0);
            f.add(1, 1);
            f.add(2, 1);
        });
    }

    @Test
    void progressStateMachine() {
        Progress p = new Progress(5, 6, 2, 0, false);
        assertTrue(p.maybeUpdate(7));
        p.becomeReplicate();
        assertEquals(8, p.next());
        p.optimisticUpdate(10);
        assertFalse(p.maybeDecrTo(6, 6), "stale rejection below match");
        assertTrue(p.maybeDecrTo(9, 3));
        assertEquals(8, p.next());
        p.becomeSnapshot(20);
        assertTrue(p.isPaused());
        p.becomeProbe();
        assertEquals(21, p.next());
        assertEquals(ProgressState.PROBE, p.state());
    }

    @Test
    void changerAppliesSingleChanges() {
        Membership m = Membership.fromConfState(ConfState.newBuilder().addNodes(1).addNodes(2).build());
        m = Changer.apply(m, cc(ConfChangeType.AddLearnerNode, 3));
        assertTrue(m.isLearner(3));
        m = Changer.apply(m, cc(ConfChangeType.AddNode, 3));
        assertFalse(m.isLearner(3));
        assertEquals(3, m.voters().size());
        m = Changer.apply(m, cc(ConfChangeType.RemoveNode, 1));
        assertEquals(List.of(2L, 3L), m.toConfState().getNodesList());
        Membership single = Membership.fromConfState(ConfState.newBuilder().addNodes(1).build());
        assertThrows(IllegalArgumentException.class, () -> Changer.apply(single, cc(ConfChangeType.RemoveNode, 1)));
        assertEquals(single, Changer.apply(single, cc(ConfChangeType.AddNode, 0)));
    }

    private static ConfChange cc(ConfChangeType t, long id) {
        return ConfChange.newBuilder().setChangeType(t).setNodeId(id).build();
    }

    private static Entry ent(long i, long t) {
        return Entry.newBuilder().setIndex(i).setTerm(t).setData(ByteString.copyFrom(new byte[10])).build();
    }

    @Test
    void memoryStorageAppendTermCompactSnapshot() {
        MemoryRaftStorage s = new MemoryRaftStorage();
        s.append(List.of(ent(1, 1), ent(2, 1), ent(3, 2)));
        assertEquals(3, s.lastIndex());
        s.append(List.of(ent(3, 3), ent(4, 3)));
        assertEquals(3, s.term(3));
        assertEquals(1, s.entries(1, 5, 20).size(), "byte limit keeps at least one entry");
        assertEquals(4, s.entries(1, 5, Long.MAX_VALUE).size());
        assertThrows(IllegalArgumentException.class, () -> s.append(List.of(ent(9, 3))));
        s.createSnapshot(2, ConfState.newBuilder().addNodes(1).build(), ByteString.EMPTY);
        s.compact(2);
        assertEquals(3, s.firstIndex());
        assertEquals(1, s.term(2));
        assertThrows(CompactedException.class, () -> s.term(1));
        assertThrows(CompactedException.class, () -> s.entries(2, 4, Long.MAX_VALUE));
        assertThrows(UnavailableException.class, () -> s.term(5));
    }
}
