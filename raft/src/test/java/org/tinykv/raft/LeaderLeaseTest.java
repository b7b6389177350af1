package org.tinykv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;

/**
 * The leader lease of {@link ReadOnlyOption#LEASE_BASED} reads: its window (anchored at heartbeat send time, the
 * quorum-th newest acknowledged stamp, minus the drift margin), its suspension by a leader transfer, and the
 * vote barrier of voters (after hearing from a leader and after a restart).
 */
class LeaderLeaseTest {
    private static final int ELECTION = 10;
    private static final int MARGIN = 2;

    private static TestCluster leaseCluster(int n) {
        TestCluster c = TestCluster.of(n, b -> b.checkQuorum(true).readOnlyOption(ReadOnlyOption.LEASE_BASED)
                .leaseDriftMarginTicks(MARGIN));
        for (Raft r : c.peers.values()) {
            r.ticks += ELECTION;  // past the start-up vote barrier, without firing election timers
        }
        return c;
    }

    private static Raft electLeaderOne(TestCluster c) {
        c.campaign(1);
        Raft l = c.get(1);
        assertEquals(StateRole.LEADER, l.state);
        assertTrue(l.committedEntryInCurrentTerm());
        return l;
    }

    /** Ticks the leader, dropping the heartbeats the ticks produce. */
    private static void tickLeader(Raft l, int n) {
        for (int i = 0; i < n; i++) {
            l.tick();
            l.readMessages();
        }
    }

    private static boolean readAnsweredAtOnce(Raft l, String ctx) {
        l.readStates.clear();
        l.step(Message.newBuilder().setMsgType(MessageType.MsgReadIndex).setContext(ByteString.copyFromUtf8(ctx))
                .build());
        boolean answered = l.readStates.size() == 1;
        l.readMessages();  // the fallback heartbeat round, if any, goes nowhere
        return answered;
    }

    @Test
    void noLeaseBeforeAHeartbeatRoundThenReadsFallBackToTheRound() {
        TestCluster c = leaseCluster(3);
        Raft l = electLeaderOne(c);
        l.step(Message.newBuilder().setMsgType(MessageType.MsgReadIndex).setContext(ByteString.copyFromUtf8("a"))
                .build());
        assertTrue(l.readStates.isEmpty(), "appends do not establish a lease");
        assertEquals(1, l.heartbeatReads);
        c.send(l.readMessages().toArray(new Message[0]));
        assertEquals(1, l.readStates.size(), "answered by the heartbeat round");
        assertEquals(l.raftLog.committed(), l.readStates.get(0).index());
    }

    @Test
    void leaseLastsFromSendTimeForElectionTimeoutMinusMargin() {
        TestCluster c = leaseCluster(3);
        Raft l = electLeaderOne(c);
        long sent = l.ticks;
        l.step(Message.newBuilder().setMsgType(MessageType.MsgBeat).build());
        List<Message> heartbeats = l.readMessages();
        tickLeader(l, 5);  // the acknowledgements arrive late: the lease still starts at the send tick
        c.send(heartbeats.toArray(new Message[0]));
        assertEquals(sent + ELECTION - MARGIN, l.lease.leaseEnd());
        c.isolate(1);
        while (l.ticks < sent + ELECTION - MARGIN) {
            assertTrue(readAnsweredAtOnce(l, "in" + l.ticks), "inside the lease at tick " + l.ticks);
            tickLeader(l, 1);
        }
        assertEquals(StateRole.LEADER, l.state);
        assertFalse(readAnsweredAtOnce(l, "out"), "lease expired at tick " + l.ticks);
        assertEquals(1, l.readOnly.pendingCount(), "the expired read waits for a heartbeat round");
    }

    @Test
    void ticksThatFellDueUndeliveredShortenTheLeaseButFireNoTimer() {
        TestCluster c = leaseCluster(3);
        Raft l = electLeaderOne(c);
        l.step(Message.newBuilder().setMsgType(MessageType.MsgBeat).build());
        c.send(l.readMessages().toArray(new Message[0]));
        assertTrue(readAnsweredAtOnce(l, "fresh"), "a lease right after a heartbeat round");
        long heartbeatElapsed = l.heartbeatElapsed;
        // the ticking thread was busy for a whole election timeout: one tick is delivered, the rest reported
        l.catchUpTicks(ELECTION - 1);
        assertEquals(heartbeatElapsed, l.heartbeatElapsed, "timers do not see the missed ticks");
        tickLeader(l, 1);
        assertFalse(readAnsweredAtOnce(l, "late"), "the lease ran out in real ticks at tick " + l.ticks);
        Raft f = c.get(2);
        long before = f.ticks;
        f.catchUpTicks(0);
        f.catchUpTicks(-3);
        assertEquals(before, f.ticks, "nothing missed, nothing counted");
    }

    @Test
    void suspendedTicksVoidTheLeaseUntilHeartbeatsSentAfterwardsAreAcknowledged() {
        TestCluster c = leaseCluster(3);
        Raft l = electLeaderOne(c);
        List<Message> beforeSleep = List.of(heartbeatRound(l));
        c.send(heartbeatRound(l));
        assertTrue(readAnsweredAtOnce(l, "awake"), "a lease right after a heartbeat round");
        l.lease.suspend();
        assertFalse(readAnsweredAtOnce(l, "woken"), "a lease from before the sleep is void");
        c.send(beforeSleep.toArray(new Message[0]));  // acknowledgements of pre-sleep heartbeats arrive late
        assertFalse(readAnsweredAtOnce(l, "late acks"), "late acknowledgements of pre-sleep stamps count for nothing");
        c.send(heartbeatRound(l));
        assertTrue(readAnsweredAtOnce(l, "fresh"), "heartbeats sent after waking win the lease back");
    }

    @Test
    void leaseUsesTheQuorumThNewestStamp() {
        TestCluster c = leaseCluster(5);
        Raft l = electLeaderOne(c);
        c.isolate(1);
        l.tracker.progress(2).ackLeaseStamp(l.ticks + 1 - 4);
        l.tracker.progress(3).ackLeaseStamp(l.ticks + 1 - 1);
        l.tracker.progress(4).ackLeaseStamp(l.ticks + 1 - 7);
        // Quorum 3: the leader ("now"), then stamps 1 and 4 ticks old: the lease starts 4 ticks ago.
        assertEquals(l.ticks - 4 + ELECTION - MARGIN, l.lease.leaseEnd());
        l.tracker.progress(3).ackLeaseStamp(1);  // older stamps never move a peer's stamp back
        assertEquals(l.ticks - 4 + ELECTION - MARGIN, l.lease.leaseEnd());
    }

    @Test
    void heartbeatCarriesStampAndFollowerEchoesIt() {
        TestCluster c = leaseCluster(3);
        Raft l = electLeaderOne(c);
        l.step(Message.newBuilder().setMsgType(MessageType.MsgBeat).build());
        Message hb = l.readMessages().get(0);
        assertEquals(MessageType.MsgHeartbeat, hb.getMsgType());
        assertEquals(l.ticks + 1, hb.getIndex());
        Raft f = c.get(hb.getTo());
        f.step(hb);
        Message resp = f.readMessages().get(0);
        assertEquals(MessageType.MsgHeartbeatResponse, resp.getMsgType());
        assertEquals(hb.getIndex(), resp.getIndex());
        assertEquals(f.ticks + ELECTION, f.lease.voteBarrier());
    }

    @Test
    void leaderTransferVoidsTheLeaseForTheRestOfTheTerm() {
        TestCluster c = leaseCluster(3);
        Raft l = electLeaderOne(c);
        c.send(heartbeatRound(l));
        assertTrue(readAnsweredAtOnce(l, "before"));
        c.ignore(MessageType.MsgTimeoutNow);
        l.step(Message.newBuilder().setMsgType(MessageType.MsgTransferLeader).setFrom(2).build());
        c.send(l.readMessages().toArray(new Message[0]));
        assertEquals(2, l.leadTransferee);
        assertFalse(readAnsweredAtOnce(l, "during"), "no lease reads once MsgTimeoutNow is sent");
        tickLeader(l, ELECTION);  // the transfer is abandoned; the TimeoutNow may still be in flight
        assertEquals(StateRole.LEADER, l.state);
        assertEquals(Raft.NONE, l.leadTransferee);
        c.send(heartbeatRound(l));
        assertFalse(readAnsweredAtOnce(l, "after"), "still none after the transfer is abandoned");
    }

    private static Message[] heartbeatRound(Raft l) {
        l.readMessages();
        l.step(Message.newBuilder().setMsgType(MessageType.MsgBeat).build());
        return l.readMessages().toArray(new Message[0]);
    }

    @Test
    void restartedNodeGrantsNoVoteForAnElectionTimeout() {
        TestCluster c = leaseCluster(3);
        electLeaderOne(c);
        Raft restarted = new Raft(c.get(3).cfg, c.storages.get(3L));
        long term = restarted.term;
        Message pre = Message.newBuilder().setMsgType(MessageType.MsgRequestPreVote).setFrom(2).setTo(3)
                .setTerm(term + 1).setIndex(restarted.raftLog.lastIndex()).setLogTerm(restarted.raftLog.lastTerm())
                .build();
        Message vote = pre.toBuilder().setMsgType(MessageType.MsgRequestVote).build();
        for (int i = 0; i < ELECTION; i++) {
            restarted.step(pre);
            restarted.step(vote);
            assertTrue(restarted.readMessages().isEmpty(), "vote requests ignored at tick " + restarted.ticks);
            restarted.tick();
        }
        assertEquals(term, restarted.term);
        restarted.step(vote);
        List<Message> out = restarted.readMessages();
        assertEquals(1, out.size());
        assertEquals(MessageType.MsgRequestVoteResponse, out.get(0).getMsgType());
        assertFalse(out.get(0).getReject());
    }

    @Test
    void restartedNodeGrantsTransferCampaignAtOnce() {
        TestCluster c = leaseCluster(3);
        electLeaderOne(c);
        Raft restarted = new Raft(c.get(3).cfg, c.storages.get(3L));
        restarted.step(Message.newBuilder().setMsgType(MessageType.MsgRequestVote).setFrom(2).setTo(3)
                .setTerm(restarted.term + 1).setIndex(restarted.raftLog.lastIndex())
                .setLogTerm(restarted.raftLog.lastTerm()).setContext(Raft.CAMPAIGN_TRANSFER).build());
        List<Message> out = restarted.readMessages();
        assertEquals(1, out.size());
        assertFalse(out.get(0).getReject());
    }

    @Test
    void voteBarrierHoldsWithinTheTermEvenWithoutALeader() {
        TestCluster c = leaseCluster(3);
        electLeaderOne(c);
        Raft f = c.get(3);
        // A higher term learned from a response (not from a leader) clears lead, but not the barrier.
        f.step(Message.newBuilder().setMsgType(MessageType.MsgRequestPreVoteResponse).setFrom(2).setTo(3)
                .setTerm(f.term + 1).setReject(true).build());
        assertEquals(Raft.NONE, f.lead);
        f.readMessages();
        f.step(Message.newBuilder().setMsgType(MessageType.MsgRequestVote).setFrom(2).setTo(3).setTerm(f.term)
                .setIndex(f.raftLog.lastIndex()).setLogTerm(f.raftLog.lastTerm()).build());
        List<Message> out = f.readMessages();
        assertEquals(1, out.size());
        assertTrue(out.get(0).getReject(), "within an election timeout of the leader's last append");
    }

    @Test
    void safeReadsKeepNoVoteBarrierAfterRestart() {
        TestCluster c = TestCluster.of(3, b -> b.checkQuorum(true));
        Raft fresh = c.get(3);
        assertFalse(fresh.lease.blocksVotes());
        c.campaign(1);
        assertEquals(StateRole.LEADER, c.get(1).state);
    }

    @Test
    void driftMarginIsValidated() {
        assertEquals(2, RaftConfig.builder(1).electionTick(10).build().leaseDriftMarginTicks());
        assertEquals(1, RaftConfig.builder(1).electionTick(4).heartbeatTick(1).build().leaseDriftMarginTicks());
        assertThrows(IllegalArgumentException.class, () -> RaftConfig.builder(1).leaseDriftMarginTicks(0).build());
        assertThrows(IllegalArgumentException.class,
                () -> RaftConfig.builder(1).electionTick(10).leaseDriftMarginTicks(10).build());
    }
}
