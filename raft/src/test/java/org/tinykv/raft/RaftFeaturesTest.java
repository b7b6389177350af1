package org.tinykv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tinykv.raft.TestCluster.msg;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.EntryType;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.raft.tracker.ProgressState;

/** Tests of each feature beyond the paper's core: pre-vote, check-quorum, transfer, read index, snapshots... */
class RaftFeaturesTest {

    private static void tickN(Raft r, int n) {
        for (int i = 0; i < n; i++) {
            r.tick();
        }
    }

    private static void transfer(TestCluster c, long leader, long transferee) {
        Raft l = c.get(leader);
        l.step(Message.newBuilder().setMsgType(MessageType.MsgTransferLeader).setFrom(transferee).build());
        c.send(l.readMessages().toArray(new Message[0]));
    }

    @Test
    void preVotePreventsRejoiningNodeFromDisruptingLeader() {
        TestCluster c = TestCluster.of(3, b -> b.preVote(true));
        c.campaign(1);
        c.isolate(3);
        c.propose(1, "x");
        for (int i = 0; i < 5; i++) {
            c.campaign(3);
        }
        assertEquals(StateRole.PRE_CANDIDATE, c.get(3).state);
        assertEquals(1, c.get(3).term, "pre-vote must not bump the term");
        c.recover();
        c.campaign(3);  // its log is behind: the pre-vote fails and nobody changes term
        assertEquals(StateRole.LEADER, c.get(1).state);
        assertEquals(1, c.get(1).term);
    }

    @Test
    void checkQuorumLeaderStepsDownWithoutQuorum() {
        TestCluster c = TestCluster.of(3, b -> b.checkQuorum(true));
        c.campaign(1);
        c.isolate(1);
        Raft l = c.get(1);
        tickN(l, 2 * l.cfg.electionTick() + 1);
        assertEquals(StateRole.FOLLOWER, l.state);
    }

    @Test
    void checkQuorumFollowerWithLiveLeaderIgnoresVotes() {
        TestCluster c = TestCluster.of(3, b -> b.checkQuorum(true));
        c.campaign(1);
        Raft f = c.get(2);
        f.step(Message.newBuilder(msg(MessageType.MsgRequestVote, 3, 2, 5)).setIndex(100).setLogTerm(5).build());
        assertEquals(1, f.term);
        assertTrue(f.readMessages().isEmpty());
    }

    @Test
    void leaderTransferToUpToDateFollower() {
        TestCluster c = TestCluster.of(3);
        c.campaign(1);
        transfer(c, 1, 2);
        assertEquals(StateRole.LEADER, c.get(2).state);
        assertEquals(StateRole.FOLLOWER, c.get(1).state);
    }

    @Test
    void leaderTransferCatchesUpLaggingFollowerAndRefusesProposals() {
        TestCluster c = TestCluster.of(3);
        c.campaign(1);
        c.isolate(3);
        c.propose(1, "a");
        c.ignore(MessageType.MsgAppend);
        transfer(c, 1, 3);
        Raft l = c.get(1);
        assertEquals(3, l.leadTransferee);
        assertFalse(l.propose(EntryType.EntryNormal, ByteString.copyFromUtf8("refused")));
        c.recover();
        c.send(msg(MessageType.MsgHeartbeatResponse, 3, 1, 1));
        assertEquals(StateRole.LEADER, c.get(3).state);
    }

    @Test
    void leaderTransferIsAbandonedAfterElectionTimeout() {
        TestCluster c = TestCluster.of(3);
        c.campaign(1);
        c.isolate(3);
        c.propose(1, "a");
        transfer(c, 1, 3);
        Raft l = c.get(1);
        assertEquals(3, l.leadTransferee);
        tickN(l, l.cfg.electionTick());
        assertEquals(Raft.NONE, l.leadTransferee);
        assertTrue(l.propose(EntryType.EntryNormal, ByteString.copyFromUtf8("ok")));
    }

    @Test
    void readIndexSafeNeedsHeartbeatQuorum() {
        TestCluster c = TestCluster.of(3);
        c.campaign(1);
        c.propose(1, "a");
        ByteString ctx = ByteString.copyFromUtf8("ctx1");
        c.send(Message.newBuilder().setMsgType(MessageType.MsgReadIndex).setTo(2).setContext(ctx).build());
        Raft f = c.get(2);
        assertEquals(1, f.readStates.size());
        assertEquals(c.get(1).raftLog.committed(), f.readStates.get(0).index());
        c.isolate(1);
        Raft l = c.get(1);
        l.step(Message.newBuilder().setMsgType(MessageType.MsgReadIndex).setContext(ctx).build());
        l.readMessages();
        assertTrue(l.readStates.isEmpty(), "no quorum, no read state");
    }

    @Test
    void newLeaderServesReadsOnlyAfterCommittingInItsTerm() {
        TestCluster c = TestCluster.of(3);
        c.ignore(MessageType.MsgAppend);
        c.campaign(1);
        Raft l = c.get(1);
        assertEquals(StateRole.LEADER, l.state);
        l.step(Message.newBuilder().setMsgType(MessageType.MsgReadIndex).setContext(ByteString.copyFromUtf8("c"))
                .build());
        assertTrue(l.readStates.isEmpty());
        assertEquals(1, l.pendingReadIndexMessages.size());
        c.recover();
        c.send(msg(MessageType.MsgHeartbeatResponse, 2, 1, l.term));
        assertEquals(1, l.readStates.size());
        assertEquals(l.raftLog.committed(), l.readStates.get(0).index());
    }

    @Test
    void fastBacktrackingUsesConflictHint() {
        MemoryRaftStorage st = MemoryRaftStorage.withVoters(1, 2, 3);
        List<Entry> ents = new java.util.ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            ents.add(Entry.newBuilder().setIndex(i).setTerm(1).build());
        }
        st.append(ents);
        st.setHardState(org.tinykv.proto.eraftpb.HardState.newBuilder().setTerm(1).build());
        Raft l = TestCluster.newRaft(1, st, 10, 1);
        l.becomeCandidate();
        l.becomeLeader();
        l.readMessages();
        assertEquals(51, l.tracker.progress(2).next());
        l.step(Message.newBuilder(msg(MessageType.MsgAppendResponse, 2, 1, l.term)).setReject(true).setIndex(50)
                .setRejectHint(3).setLogTerm(1).build());
        assertEquals(4, l.tracker.progress(2).next(), "one round trip skips back to the hint");
        Message probe = l.readMessages().get(0);
        assertEquals(3, probe.getIndex());
        // A stale rejection (for an index other than next - 1) is ignored.
        l.tracker.progress(2).setProbeSent(false);
        l.step(Message.newBuilder(msg(MessageType.MsgAppendResponse, 2, 1, l.term)).setReject(true).setIndex(40)
                .setRejectHint(1).setLogTerm(1).build());
        assertEquals(4, l.tracker.progress(2).next());
    }

    @Test
    void appendsAreBatchedUpToMaxMessageSize() {
        TestCluster c = TestCluster.of(3, b -> b.maxSizePerMsg(100));
        c.campaign(1);
        Raft l = c.get(1);
        for (int i = 0; i < 20; i++) {
            l.propose(EntryType.EntryNormal, ByteString.copyFrom(new byte[30]));
        }
        for (Message m : l.readMessages()) {
            if (m.getMsgType() == MessageType.MsgAppend) {
                assertTrue(m.getEntriesCount() <= 3, "entries per message: " + m.getEntriesCount());
            }
        }
    }

    @Test
    void lateFollowerGetsSnapshotAndLeaderTracksSnapshotStatus() {
        TestCluster c = TestCluster.of(3);
        c.campaign(1);
        c.isolate(3);
        for (int i = 0; i < 10; i++) {
            c.propose(1, "e" + i);
        }
        Raft l = c.get(1);
        MemoryRaftStorage s = c.storages.get(1L);
        long applied = l.raftLog.committed();
        l.raftLog.appliedTo(applied);
        s.createSnapshot(applied, l.tracker.membership().toConfState(), ByteString.copyFromUtf8("state"));
        s.compact(applied);
        c.recover();
        c.ignore(MessageType.MsgAppendResponse);
        l.tracker.progress(3).becomeProbe();
        c.send(msg(MessageType.MsgHeartbeatResponse, 3, 1, l.term));
        assertEquals(ProgressState.SNAPSHOT, l.tracker.progress(3).state());
        assertEquals(applied, c.get(3).raftLog.committed());
        l.step(Message.newBuilder().setMsgType(MessageType.MsgSnapStatus).setFrom(3).build());
        assertEquals(ProgressState.PROBE, l.tracker.progress(3).state());
        assertEquals(applied + 1, l.tracker.progress(3).next());
    }

    /** Storage bootstrapped like TinyKV: a snapshot at index 5 holding the membership, nothing else. */
    private static MemoryRaftStorage bootstrapped(long... voters) {
        MemoryRaftStorage s = new MemoryRaftStorage();
        ConfState.Builder cs = ConfState.newBuilder();
        for (long v : voters) {
            cs.addNodes(v);
        }
        s.applySnapshot(Snapshot.newBuilder().setData(ByteString.copyFromUtf8("boot")).setMetadata(
                org.tinykv.proto.eraftpb.SnapshotMetadata.newBuilder().setIndex(5).setTerm(5).setConfState(cs))
                .build());
        return s;
    }

    @Test
    void emptyNodeIgnoresAllButTheLeaderAndJoinsBySnapshot() {
        TestCluster c = new TestCluster();
        for (long id : new long[] {1, 3}) {
            MemoryRaftStorage s = bootstrapped(1, 2, 3);
            c.storages.put(id, s);
            c.peers.put(id, TestCluster.newRaft(id, s, 10, 1));
        }
        MemoryRaftStorage empty = new MemoryRaftStorage();  // peer 2 as created for an unknown region
        c.storages.put(2L, empty);
        Raft n = TestCluster.newRaft(2, empty, 10, 1);
        c.peers.put(2L, n);
        for (MessageType t : List.of(MessageType.MsgRequestVote, MessageType.MsgRequestPreVote,
                MessageType.MsgTimeoutNow, MessageType.MsgAppendResponse, MessageType.MsgHeartbeatResponse,
                MessageType.MsgReadIndexResponse, MessageType.MsgPropose, MessageType.MsgTransferLeader)) {
            n.step(Message.newBuilder(msg(t, 3, 2, 9)).setIndex(100).setLogTerm(9)
                    .setContext(ByteString.copyFromUtf8("x")).addEntries(Entry.getDefaultInstance()).build());
            assertEquals(0, n.term, t + " must not move an empty node's term");
            assertTrue(n.readMessages().isEmpty(), t + " must be ignored");
        }
        for (int i = 0; i < 100; i++) {
            n.tick();
        }
        assertTrue(n.readMessages().isEmpty(), "an empty node never campaigns");
        assertFalse(n.propose(EntryType.EntryNormal, ByteString.copyFromUtf8("p")));

        c.campaign(1);  // wins with 3's vote; 2 ignored the vote request
        Raft l = c.get(1);
        assertEquals(StateRole.LEADER, l.state);
        c.propose(1, "after");
        assertEquals(l.term, n.term);
        assertEquals(1, n.lead);
        assertEquals(5, c.storages.get(2L).snapshot().getMetadata().getIndex(), "joined through the snapshot");
        assertEquals(List.of(1L, 2L, 3L), List.of(n.tracker.membership().allIds()[0], n.tracker.membership()
                .allIds()[1], n.tracker.membership().allIds()[2]));
        assertEquals(l.raftLog.lastIndex(), n.raftLog.lastIndex());
        assertEquals(l.raftLog.committed(), n.raftLog.committed());
    }

    @Test
    void emptyNodeRefusesToBuildALogWithoutMembership() {
        Raft n = TestCluster.newRaft(2, new MemoryRaftStorage(), 10, 1);
        n.step(Message.newBuilder(msg(MessageType.MsgAppend, 1, 2, 3)).setIndex(0).setLogTerm(0)
                .addEntries(Entry.newBuilder().setIndex(1).setTerm(1)).setCommit(1).build());
        assertEquals(0, n.raftLog.lastIndex());
        Message resp = n.readMessages().get(0);
        assertTrue(resp.getReject());
        assertEquals(0, resp.getRejectHint());
    }

    @Test
    void addAndRemoveVotersOneAtATime() {
        TestCluster c = TestCluster.of(3);
        c.campaign(1);
        Raft l = c.get(1);
        ConfChange add = ConfChange.newBuilder().setChangeType(ConfChangeType.AddNode).setNodeId(4).build();
        assertTrue(l.propose(EntryType.EntryConfChange, add.toByteString()));
        assertFalse(l.propose(EntryType.EntryConfChange, add.toByteString()), "one change at a time");
        ConfState cs = l.applyConfChange(add);
        assertEquals(List.of(1L, 2L, 3L, 4L), cs.getNodesList());
        l.raftLog.appliedTo(l.raftLog.committed());
        ConfChange learner = ConfChange.newBuilder().setChangeType(ConfChangeType.AddLearnerNode).setNodeId(5).build();
        assertEquals(List.of(5L), l.applyConfChange(learner).getLearnersList());
        ConfChange remove = ConfChange.newBuilder().setChangeType(ConfChangeType.RemoveNode).setNodeId(4).build();
        assertEquals(List.of(1L, 2L, 3L), l.applyConfChange(remove).getNodesList());
    }

    @Test
    void leaderRemovingItselfStepsDownAndRemovedNodeNeverCampaigns() {
        TestCluster c = TestCluster.of(3);
        c.campaign(1);
        Raft l = c.get(1);
        l.applyConfChange(ConfChange.newBuilder().setChangeType(ConfChangeType.RemoveNode).setNodeId(1).build());
        assertEquals(StateRole.FOLLOWER, l.state);
        tickN(l, 5 * l.cfg.electionTick());
        assertEquals(StateRole.FOLLOWER, l.state);
        assertTrue(l.readMessages().isEmpty());
    }

    @Test
    void robustAgainstUnknownStaleAndMalformedMessages() {
        RawNode rn = new RawNode(RaftConfig.builder(1).build(), MemoryRaftStorage.withVoters(1, 2, 3));
        rn.campaign();
        assertFalse(rn.step(msg(MessageType.MsgAppendResponse, 99, 1, 1)), "response from unknown peer");
        assertFalse(rn.step(msg(MessageType.MsgHup, 2, 1, 1)), "local kind from the network");
        assertFalse(rn.step(msg(MessageType.MsgBeat, 2, 1, 1)));
        assertFalse(rn.step(msg(MessageType.MsgAppend, 2, 7, 1)), "addressed to another node");
        rn.step(Message.newBuilder(msg(MessageType.MsgAppend, 2, 1, 9)).setIndex(1000).setLogTerm(7)
                .addEntries(Entry.newBuilder().setIndex(5).setTerm(9)).build());
        rn.step(Message.newBuilder(msg(MessageType.MsgHeartbeat, 2, 1, 9)).setCommit(12345).build());
        rn.step(Message.newBuilder(msg(MessageType.MsgSnapshot, 2, 1, 9)).build());
        rn.step(msg(MessageType.MsgTimeoutNow, 3, 1, 2));
        rn.step(msg(MessageType.MsgReadIndexResponse, 3, 1, 9));
        assertEquals(0, rn.status().hardState().getCommit());
        assertEquals(rn.status().hardState().getTerm(), rn.term());
        assertEquals(rn.status().lastIndex(), rn.lastIndex());
        assertTrue(rn.hasReady());
        rn.advance(rn.ready());
    }

    @Test
    void storageFailureStopsTheNode() {
        MemoryRaftStorage good = MemoryRaftStorage.withVoters(1);
        RaftStorage failing = new RaftStorage() {
            @Override
            public RaftState initialState() {
                return good.initialState();
            }

            @Override
            public List<Entry> entries(long lo, long hi, long maxSize) {
                throw new IllegalStateException("disk on fire");
            }

            @Override
            public long term(long i) {
                return good.term(i);
            }

            @Override
            public long firstIndex() {
                return good.firstIndex();
            }

            @Override
            public long lastIndex() {
                return good.lastIndex();
            }

            @Override
            public Snapshot snapshot() {
                return good.snapshot();
            }
        };
        good.append(List.of(Entry.newBuilder().setIndex(1).setTerm(1).build()));
        good.setHardState(org.tinykv.proto.eraftpb.HardState.newBuilder().setTerm(1).setCommit(1).build());
        RawNode rn = new RawNode(RaftConfig.builder(1).build(), failing);
        assertThrows(RaftFailedException.class, rn::ready);
        assertThrows(RaftFailedException.class, rn::tick);
    }

    @Test
    void rawNodeReadyAdvanceCycleCommitsSingleNodeProposal() {
        MemoryRaftStorage s = MemoryRaftStorage.withVoters(1);
        RawNode rn = new RawNode(RaftConfig.builder(1).build(), s);
        rn.campaign();
        assertTrue(rn.propose(ByteString.copyFromUtf8("hello")));
        Ready rd = rn.ready();
        assertEquals(StateRole.LEADER, rd.softState().role());
        assertTrue(rd.mustSync());
        s.append(rd.entries());
        s.setHardState(rd.hardState());
        assertEquals(ByteString.copyFromUtf8("hello"), rd.committedEntries().get(1).getData());
        assertThrows(IllegalStateException.class, rn::ready);
        rn.advance(rd);
        assertFalse(rn.hasReady());
        assertEquals(2, rn.status().applied());
    }

    @Test
    void seedsDrivePerNodeElectionTimeouts() {
        Raft a = TestCluster.newRaft(RaftConfig.builder(1).seed(7).build(), MemoryRaftStorage.withVoters(1, 2));
        Raft b = TestCluster.newRaft(RaftConfig.builder(1).seed(7).build(), MemoryRaftStorage.withVoters(1, 2));
        assertEquals(a.randomizedElectionTimeout, b.randomizedElectionTimeout);
        int[] seen = new int[40];
        for (long seed = 0; seed < 40; seed++) {
            seen[(int) seed] = TestCluster.newRaft(RaftConfig.builder(1).seed(seed).build(),
                    MemoryRaftStorage.withVoters(1, 2)).randomizedElectionTimeout;
        }
        assertNotEquals(seen[0], java.util.Arrays.stream(seen).max().getAsInt()
                + java.util.Arrays.stream(seen).min().getAsInt() - seen[0] + 1);
    }
}
