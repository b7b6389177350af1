package org.tinykv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tinykv.raft.TestCluster.msg;

import com.google.protobuf.ByteString;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.EntryType;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;

/**
 * One test per rule of the Raft paper (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm"), each naming its section.
 */
class RaftPaperTest {

    private static Raft raft(long id, long... peers) {
        return TestCluster.newRaft(id, MemoryRaftStorage.withVoters(peers), 10, 1);
    }

    private static Raft leaderOf3() {
        Raft r = raft(1, 1, 2, 3);
        r.becomeCandidate();
        r.becomeLeader();
        r.readMessages();
        return r;
    }

    private static Entry ent(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).build();
    }

    private static Raft withLog(long id, List<Entry> ents, long term, long... peers) {
        MemoryRaftStorage s = MemoryRaftStorage.withVoters(peers);
        s.append(ents);
        s.setHardState(HardState.newBuilder().setTerm(term).build());
        return TestCluster.newRaft(id, s, 10, 1);
    }

    /** §5.1: a server that sees a larger term updates its term and reverts to follower. */
    @Test
    void section5_1_updatesTermFromMessageAndRevertsToFollower() {
        for (StateRole role : List.of(StateRole.FOLLOWER, StateRole.CANDIDATE, StateRole.LEADER)) {
            Raft r = raft(1, 1, 2, 3);
            if (role == StateRole.CANDIDATE) {
                r.becomeCandidate();
            } else if (role == StateRole.LEADER) {
                r.becomeCandidate();
                r.becomeLeader();
            }
            r.step(msg(MessageType.MsgAppend, 2, 1, 5));
            assertEquals(5, r.term, role.toString());
            assertEquals(StateRole.FOLLOWER, r.state, role.toString());
        }
    }

    /** §5.1: a request with a stale term is rejected (ignored). */
    @Test
    void section5_1_rejectsStaleTermMessage() {
        Raft r = raft(1, 1, 2, 3);
        r.becomeFollower(2, Raft.NONE);
        r.step(Message.newBuilder().setMsgType(MessageType.MsgAppend).setFrom(2).setTo(1).setTerm(1)
                .addEntries(ent(1, 1)).build());
        assertEquals(0, r.raftLog.lastIndex());
        assertEquals(Raft.NONE, r.lead);
        assertTrue(r.readMessages().isEmpty());
    }

    /** §5.2: servers start as followers. */
    @Test
    void section5_2_startsAsFollower() {
        Raft r = raft(1, 1, 2, 3);
        assertEquals(StateRole.FOLLOWER, r.state);
        assertEquals(0, r.term);
    }

    /** §5.2: the leader sends periodic heartbeats to all followers to maintain its authority. */
    @Test
    void section5_2_leaderBroadcastsHeartbeats() {
        Raft r = leaderOf3();
        r.tick();
        Set<Long> to = new HashSet<>();
        for (Message m : r.readMessages()) {
            assertEquals(MessageType.MsgHeartbeat, m.getMsgType());
            to.add(m.getTo());
        }
        assertEquals(Set.of(2L, 3L), to);
    }

    /** §5.2: a follower that hears nothing for an election timeout becomes candidate and requests votes. */
    @Test
    void section5_2_followerStartsElectionOnTimeout() {
        for (boolean asCandidate : new boolean[] {false, true}) {
            Raft r = raft(1, 1, 2, 3);
            if (asCandidate) {
                r.becomeCandidate();
                r.readMessages();
            }
            long term = r.term;
            for (int i = 0; i < 2 * r.cfg.electionTick(); i++) {
                r.tick();
            }
            assertEquals(StateRole.CANDIDATE, r.state);
            assertEquals(term + 1, r.term);
            assertEquals(1, r.vote);
            Set<Long> to = new HashSet<>();
            for (Message m : r.readMessages()) {
                assertEquals(MessageType.MsgRequestVote, m.getMsgType());
                to.add(m.getTo());
            }
            assertEquals(Set.of(2L, 3L), to);
        }
    }

    /** §5.2: a candidate wins with votes from a majority, loses to a majority of rejections, else waits. */
    @Test
    void section5_2_leaderElectionInOneRound() {
        record Case(long[] peers, long[] yes, long[] no, StateRole want) {
        }
        List<Case> cases = List.of(
                new Case(new long[] {1}, new long[0], new long[0], StateRole.LEADER),
                new Case(new long[] {1, 2, 3}, new long[] {2}, new long[0], StateRole.LEADER),
                new Case(new long[] {1, 2, 3, 4, 5}, new long[] {2, 3}, new long[0], StateRole.LEADER),
                new Case(new long[] {1, 2, 3, 4, 5}, new long[] {2}, new long[0], StateRole.CANDIDATE),
                new Case(new long[] {1, 2, 3}, new long[0], new long[] {2, 3}, StateRole.FOLLOWER),
                new Case(new long[] {1, 2, 3, 4, 5}, new long[0], new long[] {2, 3, 4}, StateRole.FOLLOWER));
        for (Case c : cases) {
            Raft r = raft(1, c.peers);
            r.step(msg(MessageType.MsgHup, 1, 1, 0));
            for (long id : c.yes) {
                r.step(msg(MessageType.MsgRequestVoteResponse, id, 1, r.term));
            }
            for (long id : c.no) {
                r.step(Message.newBuilder(msg(MessageType.MsgRequestVoteResponse, id, 1, r.term)).setReject(true)
                        .build());
            }
            assertEquals(c.want, r.state, java.util.Arrays.toString(c.peers));
            assertEquals(1, r.term);
        }
    }

    /** §5.2: each server votes for at most one candidate in a given term, first-come-first-served. */
    @Test
    void section5_2_followerVotesOncePerTerm() {
        Raft r = raft(1, 1, 2, 3);
        r.step(Message.newBuilder(msg(MessageType.MsgRequestVote, 2, 1, 1)).build());
        r.step(Message.newBuilder(msg(MessageType.MsgRequestVote, 3, 1, 1)).build());
        List<Message> out = r.readMessages();
        assertEquals(2, out.size());
        assertFalse(out.get(0).getReject());
        assertTrue(out.get(1).getReject());
        assertEquals(2, r.vote);
    }

    /** §5.2: a candidate that receives an append from a leader of at least its term becomes follower. */
    @Test
    void section5_2_candidateFallsBackToFollower() {
        Raft r = raft(1, 1, 2, 3);
        r.step(msg(MessageType.MsgHup, 1, 1, 0));
        assertEquals(StateRole.CANDIDATE, r.state);
        r.step(msg(MessageType.MsgAppend, 2, 1, r.term));
        assertEquals(StateRole.FOLLOWER, r.state);
        assertEquals(2, r.lead);
        assertEquals(1, r.term);
    }

    /** §5.2: election timeouts are chosen randomly from a fixed interval, and differ between servers. */
    @Test
    void section5_2_electionTimeoutsAreRandomized() {
        Set<Integer> seen = new HashSet<>();
        for (long id = 1; id <= 30; id++) {
            Raft r = raft(id, 1, 2, 3);
            for (int term = 1; term < 10; term++) {
                r.becomeFollower(term, Raft.NONE);
                int t = r.randomizedElectionTimeout;
                assertTrue(t >= 10 && t < 20, "timeout " + t);
                seen.add(t);
            }
        }
        assertTrue(seen.size() > 5, "timeouts not spread: " + seen);
    }

    /** §5.3: the leader appends a proposal to its log and issues append RPCs to every follower. */
    @Test
    void section5_3_leaderStartsReplication() {
        Raft r = leaderOf3();
        long li = r.raftLog.lastIndex();
        r.propose(EntryType.EntryNormal, ByteString.copyFromUtf8("x"));
        assertEquals(li + 1, r.raftLog.lastIndex());
        List<Message> out = r.readMessages();
        assertEquals(2, out.size());
        for (Message m : out) {
            assertEquals(MessageType.MsgAppend, m.getMsgType());
            assertEquals(r.raftLog.term(m.getIndex()), m.getLogTerm());
            assertEquals(li + 1, m.getEntries(m.getEntriesCount() - 1).getIndex());
            assertEquals(ByteString.copyFromUtf8("x"), m.getEntries(m.getEntriesCount() - 1).getData());
        }
    }

    /** §5.3: an entry is committed once replicated on a majority, and the commit index is propagated. */
    @Test
    void section5_3_leaderCommitsReplicatedEntry() {
        Raft r = leaderOf3();
        r.propose(EntryType.EntryNormal, ByteString.copyFromUtf8("x"));
        long li = r.raftLog.lastIndex();
        r.readMessages();
        r.step(Message.newBuilder(msg(MessageType.MsgAppendResponse, 2, 1, 1)).setIndex(li).build());
        assertEquals(li, r.raftLog.committed());
        for (Message m : r.readMessages()) {
            assertEquals(li, m.getCommit());
        }
    }

    /** §5.3: committing an entry also commits all preceding entries of the leader's log. */
    @Test
    void section5_3_leaderCommitsPrecedingEntries() {
        Raft r = withLog(1, List.of(ent(1, 1), ent(2, 1)), 2, 1, 2, 3);
        r.becomeCandidate();
        r.becomeLeader();
        long li = r.raftLog.lastIndex();
        r.readMessages();
        r.step(Message.newBuilder(msg(MessageType.MsgAppendResponse, 2, 1, r.term)).setIndex(li).build());
        assertEquals(li, r.raftLog.committed());
    }

    /** §5.3: a follower applies entries up to the leader's commit index. */
    @Test
    void section5_3_followerCommitsFromLeaderCommitIndex() {
        Raft r = raft(1, 1, 2, 3);
        r.becomeFollower(1, 2);
        r.step(Message.newBuilder(msg(MessageType.MsgAppend, 2, 1, 1)).addEntries(ent(1, 1))
                .addEntries(ent(2, 1)).setCommit(1).build());
        assertEquals(1, r.raftLog.committed());
        assertEquals(1, r.raftLog.nextCommittedEntries().size());
    }

    /**
     * §5.3: a follower sets its commit index to min(leaderCommit, index of the last new entry): entries after
     * the ones the append covered may be stale (here entry 3 of term 2) even though the leader's commit index
     * is beyond them.
     */
    @Test
    void section5_3_followerCommitsOnlyUpToLastNewEntry() {
        Raft r = withLog(1, List.of(ent(1, 1), ent(2, 1), ent(3, 2)), 3, 1, 2, 3);
        r.step(Message.newBuilder(msg(MessageType.MsgAppend, 2, 1, 3)).setIndex(1).setLogTerm(1)
                .addEntries(ent(2, 1)).setCommit(3).build());
        assertEquals(2, r.raftLog.committed());
        assertEquals(3, r.raftLog.lastIndex(), "a matching append does not truncate the follower's log");
        r.step(Message.newBuilder(msg(MessageType.MsgHeartbeat, 2, 1, 3)).setCommit(2).build());
        assertEquals(2, r.raftLog.committed());
    }

    /** §5.3: a follower refuses an append whose preceding entry it does not have, giving a hint. */
    @Test
    void section5_3_followerChecksPrecedingEntry() {
        Raft r = withLog(1, List.of(ent(1, 1), ent(2, 2)), 2, 1, 2, 3);
        r.step(Message.newBuilder(msg(MessageType.MsgAppend, 2, 1, 2)).setIndex(2).setLogTerm(2).build());
        Message ok = r.readMessages().get(0);
        assertFalse(ok.getReject());
        assertEquals(2, ok.getIndex());
        r.step(Message.newBuilder(msg(MessageType.MsgAppend, 2, 1, 2)).setIndex(3).setLogTerm(2).build());
        Message rej = r.readMessages().get(0);
        assertTrue(rej.getReject());
        assertEquals(2, rej.getRejectHint());
        assertEquals(2, rej.getLogTerm());
    }

    /** §5.3: a conflicting entry and all that follow it are deleted and replaced by the leader's. */
    @Test
    void section5_3_followerReplacesConflictingEntries() {
        Raft r = withLog(1, List.of(ent(1, 1), ent(2, 2), ent(3, 2)), 3, 1, 2, 3);
        r.step(Message.newBuilder(msg(MessageType.MsgAppend, 2, 1, 3)).setIndex(1).setLogTerm(1)
                .addEntries(ent(2, 3)).build());
        assertEquals(2, r.raftLog.lastIndex());
        assertEquals(3, r.raftLog.term(2));
    }

    /** §5.3: the leader brings every follower's log into consistency with its own. */
    @Test
    void section5_3_leaderSyncsDivergentFollowerLogs() {
        TestCluster c = TestCluster.of(3);
        c.campaign(1);
        c.propose(1, "a");
        c.isolate(3);
        c.propose(1, "b");
        c.propose(1, "c");
        c.recover();
        c.isolate(1);
        c.campaign(3);  // 3 is behind: node 2 refuses its vote
        assertEquals(StateRole.CANDIDATE, c.get(3).state);
        c.recover();
        c.send(msg(MessageType.MsgHeartbeatResponse, 2, 1, c.get(2).term));  // 1 learns the newer term
        assertEquals(StateRole.FOLLOWER, c.get(1).state);
        c.campaign(1);  // 1 has the most complete log and wins the higher term
        assertEquals(StateRole.LEADER, c.get(1).state);
        c.propose(1, "d");
        long last = c.get(1).raftLog.lastIndex();
        for (Raft r : c.peers.values()) {
            assertEquals(last, r.raftLog.lastIndex());
            assertEquals(last, r.raftLog.committed());
            for (long i = 1; i <= last; i++) {
                assertEquals(c.get(1).raftLog.term(i), r.raftLog.term(i));
            }
        }
    }

    /** §5.4.1: a voter denies its vote if its own log is more up to date than the candidate's. */
    @Test
    void section5_4_1_voterGrantsOnlyToUpToDateCandidates() {
        record Case(long logTerm, long index, boolean reject) {
        }
        for (Case c : List.of(new Case(2, 2, false), new Case(2, 1, true), new Case(2, 3, false),
                new Case(1, 5, true), new Case(3, 1, false))) {
            Raft r = withLog(1, List.of(ent(1, 1), ent(2, 2)), 2, 1, 2);
            r.step(Message.newBuilder(msg(MessageType.MsgRequestVote, 2, 1, 3)).setLogTerm(c.logTerm)
                    .setIndex(c.index).build());
            Message resp = r.readMessages().get(0);
            assertEquals(c.reject, resp.getReject(), c.toString());
        }
    }

    /** §5.4.2: a leader never commits entries from previous terms by counting replicas. */
    @Test
    void section5_4_2_leaderCommitsOnlyEntriesOfItsTerm() {
        Raft r = withLog(1, List.of(ent(1, 1), ent(2, 2)), 2, 1, 2, 3);
        r.becomeCandidate();
        r.becomeLeader();  // term 3, appends an empty entry at 3
        r.readMessages();
        r.step(Message.newBuilder(msg(MessageType.MsgAppendResponse, 2, 1, 3)).setIndex(2).build());
        assertEquals(0, r.raftLog.committed(), "entry of term 2 must not be committed by counting");
        r.step(Message.newBuilder(msg(MessageType.MsgAppendResponse, 2, 1, 3)).setIndex(3).build());
        assertEquals(3, r.raftLog.committed());
    }
}
