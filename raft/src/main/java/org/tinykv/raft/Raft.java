package org.tinykv.raft;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.EntryType;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.raft.confchange.Changer;
import org.tinykv.raft.log.RaftLog;
import org.tinykv.raft.quorum.VoteResult;
import org.tinykv.raft.tracker.Membership;
import org.tinykv.raft.tracker.Progress;
import org.tinykv.raft.tracker.ProgressState;
import org.tinykv.raft.tracker.ProgressTracker;

/**
 * The raft state machine of one node: term, vote, role, log and the leader's progress tracking. Role-specific
 * message handling lives in {@link LeaderHandler} and {@link FollowerHandler}; sending appends and heartbeats in
 * {@link Replicator}. Driven only through {@link RawNode}; no threads, clocks or I/O.
 *
 * <p>Confined to one thread.
 */
final class Raft {
    static final long NONE = 0;
    static final ByteString CAMPAIGN_TRANSFER = ByteString.copyFromUtf8("CampaignTransfer");

    /** Why a node campaigns. */
    enum CampaignType { PRE_ELECTION, ELECTION, TRANSFER }

    final long id;
    final RaftConfig cfg;
    final RaftLog raftLog;
    final ProgressTracker tracker;
    final ArrayList<Message> msgs = new ArrayList<>();
    final ArrayList<ReadState> readStates = new ArrayList<>();
    final ArrayList<Message> pendingReadIndexMessages = new ArrayList<>();
    final Replicator repl;
    final LeaderLease lease;
    private final LeaderHandler leader;
    private final FollowerHandler follower;
    private final SplittableRandom rng;

    long term;
    long vote;
    long lead = NONE;
    StateRole state = StateRole.FOLLOWER;
    boolean isLearner;
    long leadTransferee = NONE;
    /** Index of the last conf change proposed by this leader; none may be proposed until it is applied. */
    long pendingConfIndex;
    ReadOnly readOnly = new ReadOnly();
    int electionElapsed;
    int heartbeatElapsed;
    int randomizedElectionTimeout;
    /** Ticks since this instance was created (the clock of the leader lease and of the vote barrier). */
    long ticks;
    /** Read-index requests this leader answered from its lease / after a heartbeat round (statistics). */
    long leaseReads;
    long heartbeatReads;

    Raft(RaftConfig cfg, RaftStorage storage) {
        this.id = cfg.id();
        this.cfg = cfg;
        this.rng = new SplittableRandom(cfg.seed() ^ (cfg.id() * 0x9E3779B97F4A7C15L));
        this.raftLog = new RaftLog(storage, cfg.maxCommittedSizePerReady());
        RaftState rs = storage.initialState();
        this.tracker = new ProgressTracker(cfg.maxInflightMsgs(), cfg.maxInflightBytes());
        tracker.applyMembership(Membership.fromConfState(rs.confState()), raftLog.lastIndex() + 1);
        this.isLearner = tracker.membership().isLearner(id);
        HardState hs = rs.hardState();
        if (hs != null && !hs.equals(HardState.getDefaultInstance())) {
            raftLog.loadCommitted(hs.getCommit());
            term = hs.getTerm();
            vote = hs.getVote();
        }
        if (cfg.applied() > raftLog.applied()) {
            raftLog.appliedTo(cfg.applied());
        }
        this.lease = new LeaderLease(this);
        this.repl = new Replicator(this);
        this.leader = new LeaderHandler(this);
        this.follower = new FollowerHandler(this);
        becomeFollower(term, NONE);
    }

    HardState hardState() {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(raftLog.committed()).build();
    }

    SoftState softState() {
        return new SoftState(lead, state);
    }

    /** Queues an outgoing message, stamping sender and (for non-vote messages) the current term. */
    void send(Message.Builder m) {
        if (m.getFrom() == NONE) {
            m.setFrom(id);
        }
        MessageType t = m.getMsgType();
        boolean vote = t == MessageType.MsgRequestVote || t == MessageType.MsgRequestVoteResponse
                || t == MessageType.MsgRequestPreVote || t == MessageType.MsgRequestPreVoteResponse;
        if (!vote && t != MessageType.MsgPropose && t != MessageType.MsgReadIndex) {
            m.setTerm(term);
        }
        msgs.add(m.build());
    }

    /** Takes the queued outgoing messages (flushing any deferred broadcast first). */
    List<Message> readMessages() {
        repl.flush();
        if (msgs.isEmpty()) {
            return List.of();
        }
        List<Message> out = new ArrayList<>(msgs);
        msgs.clear();
        return out;
    }

    boolean hasMessages() {
        return !msgs.isEmpty() || repl.hasPendingBroadcast();
    }

    // ---- role transitions ----

    private void reset(long newTerm) {
        if (term != newTerm) {
            term = newTerm;
            vote = NONE;
        }
        lead = NONE;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = cfg.electionTick() + rng.nextInt(cfg.electionTick());
        abortLeaderTransfer();
        lease.termChanged();
        tracker.resetVotes();
        long last = raftLog.lastIndex();
        for (long pid : tracker.ids()) {
            Progress pr = tracker.progress(pid);
            pr.reset(pid == id ? last : 0, last + 1);
        }
        pendingConfIndex = 0;
        readOnly = new ReadOnly();
        pendingReadIndexMessages.clear();
        repl.cancelBroadcast();
    }

    void becomeFollower(long newTerm, long newLead) {
        reset(newTerm);
        lead = newLead;
        state = StateRole.FOLLOWER;
    }

    void becomeCandidate() {
        if (state == StateRole.LEADER) {
            throw new IllegalStateException("invalid transition [leader -> candidate]");
        }
        reset(term + 1);
        vote = id;
        state = StateRole.CANDIDATE;
    }

    void becomePreCandidate() {
        if (state == StateRole.LEADER) {
            throw new IllegalStateException("invalid transition [leader -> pre-candidate]");
        }
        tracker.resetVotes();
        lead = NONE;
        state = StateRole.PRE_CANDIDATE;
    }

    void becomeLeader() {
        if (state == StateRole.FOLLOWER) {
            throw new IllegalStateException("invalid transition [follower -> leader]");
        }
        reset(term);
        lead = id;
        state = StateRole.LEADER;
        Progress self = tracker.progress(id);
        self.becomeReplicate();
        self.setRecentActive(true);
        pendingConfIndex = raftLog.lastIndex();
        long index = raftLog.lastIndex() + 1;
        appendEntries(List.of(Entry.newBuilder().setTerm(term).setIndex(index).build()));
    }

    /** Appends entries stamped with this leader's term and advances its own progress. */
    void appendEntries(List<Entry> ents) {
        raftLog.append(ents);
        selfAppended();
    }

    /** Appends one entry stamped with this leader's term (the single-proposal fast path). */
    void appendEntry(Entry e) {
        raftLog.appendOne(e);
        selfAppended();
    }

    /**
     * Advances the leader's own match. Followers never acknowledge beyond the leader's previous last index, so
     * raising the leader's own match can move the quorum index only when the quorum is one voter.
     */
    private void selfAppended() {
        Progress self = tracker.progress(id);
        if (self != null) {
            self.maybeUpdate(raftLog.lastIndex());
        }
        if (tracker.membership().voters().quorum() == 1) {
            leader.maybeCommit();
        }
    }

    void abortLeaderTransfer() {
        leadTransferee = NONE;
    }

    boolean promotable() {
        Progress pr = tracker.progress(id);
        return pr != null && !pr.isLearner() && !raftLog.hasPendingSnapshot();
    }

    boolean committedEntryInCurrentTerm() {
        return raftLog.termOrZero(raftLog.committed()) == term;
    }

    // ---- time ----

    /** Counts ticks that were due but not delivered toward the lease clock only (see RawNode.catchUpTicks). */
    void catchUpTicks(long missed) {
        if (missed > 0) {
            ticks += missed;
        }
    }

    void tick() {
        ticks++;
        if (state == StateRole.LEADER) {
            tickHeartbeat();
        } else {
            electionElapsed++;
            if (promotable() && electionElapsed >= randomizedElectionTimeout) {
                electionElapsed = 0;
                hup(cfg.preVote() ? CampaignType.PRE_ELECTION : CampaignType.ELECTION);
            }
        }
    }

    private void tickHeartbeat() {
        heartbeatElapsed++;
        electionElapsed++;
        if (electionElapsed >= cfg.electionTick()) {
            electionElapsed = 0;
            if (cfg.checkQuorum()) {
                leader.checkQuorum();
            }
            if (state == StateRole.LEADER && leadTransferee != NONE) {
                abortLeaderTransfer();
            }
        }
        if (state != StateRole.LEADER) {
            return;
        }
        if (heartbeatElapsed >= cfg.heartbeatTick()) {
            heartbeatElapsed = 0;
            repl.bcastHeartbeat();
        }
    }

    /**
     * True if this node leads and has nothing in flight: every entry is committed and handed to the application,
     * every member has acknowledged the last one, and no leader transfer, membership change, snapshot or read is
     * pending.
     */
    boolean isQuiescentLeader() {
        long last = raftLog.lastIndex();
        if (state != StateRole.LEADER || leadTransferee != NONE || raftLog.committed() != last
                || raftLog.applied() != last || pendingConfIndex > last || raftLog.hasPendingSnapshot()
                || readOnly.pendingCount() > 0 || !pendingReadIndexMessages.isEmpty()) {
            return false;
        }
        for (long id : tracker.ids()) {
            Progress pr = tracker.progress(id);
            if (id != this.id && (pr.match() != last || pr.state() != ProgressState.REPLICATE)) {
                return false;
            }
        }
        return true;
    }

    // ---- elections ----

    void hup(CampaignType t) {
        if (state == StateRole.LEADER || !promotable() || hasUnappliedConfChanges()) {
            return;
        }
        campaign(t);
    }

    private boolean hasUnappliedConfChanges() {
        long lo = Math.max(raftLog.applied() + 1, raftLog.firstIndex());
        long hi = raftLog.committed() + 1;
        if (lo >= hi) {
            return false;
        }
        for (Entry e : raftLog.slice(lo, hi, EntryLists.NO_LIMIT)) {
            if (e.getEntryType() == EntryType.EntryConfChange) {
                return true;
            }
        }
        return false;
    }

    void campaign(CampaignType t) {
        if (!promotable()) {
            return;
        }
        MessageType voteMsg;
        long voteTerm;
        if (t == CampaignType.PRE_ELECTION) {
            becomePreCandidate();
            voteMsg = MessageType.MsgRequestPreVote;
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteMsg = MessageType.MsgRequestVote;
            voteTerm = term;
        }
        if (poll(id, true) == VoteResult.WON) {
            if (t == CampaignType.PRE_ELECTION) {
                campaign(CampaignType.ELECTION);
            } else {
                becomeLeader();
            }
            return;
        }
        long lastIndex = raftLog.lastIndex();
        long lastTerm = raftLog.lastTerm();
        var voters = tracker.membership().voters();
        for (int i = 0; i < voters.size(); i++) {
            long to = voters.idAt(i);
            if (to == id) {
                continue;
            }
            Message.Builder m = Message.newBuilder().setMsgType(voteMsg).setTo(to).setTerm(voteTerm)
                    .setIndex(lastIndex).setLogTerm(lastTerm);
            if (t == CampaignType.TRANSFER) {
                m.setContext(CAMPAIGN_TRANSFER);
            }
            send(m);
        }
    }

    VoteResult poll(long from, boolean granted) {
        tracker.recordVote(from, granted);
        return tracker.tallyVotes();
    }

    // ---- stepping ----

    /**
     * True while this node has no membership at all: created with empty storage for a peer the caller does not
     * know yet, waiting for a leader's snapshot.
     */
    boolean uninitialized() {
        return tracker.ids().length == 0;
    }

    /** Processes one message. Never throws for bad input: unexpected messages are ignored. */
    void step(Message m) {
        MessageType t = m.getMsgType();
        if (uninitialized() && t != MessageType.MsgAppend && t != MessageType.MsgHeartbeat
                && t != MessageType.MsgSnapshot) {
            return;  // only a leader, which can bring a snapshot, may wake an empty node (not even its term moves)
        }
        if (m.getTerm() > term) {
            if (t == MessageType.MsgRequestVote || t == MessageType.MsgRequestPreVote) {
                boolean force = CAMPAIGN_TRANSFER.equals(m.getContext());
                boolean inLease = cfg.checkQuorum() && lead != NONE && electionElapsed < cfg.electionTick();
                if (!force && (inLease || lease.blocksVotes())) {
                    return;
                }
            }
            if (t == MessageType.MsgRequestPreVote
                    || (t == MessageType.MsgRequestPreVoteResponse && !m.getReject())) {
                // A pre-vote never changes our term; a granted pre-vote response carries the future term.
            } else if (t == MessageType.MsgAppend || t == MessageType.MsgHeartbeat || t == MessageType.MsgSnapshot) {
                becomeFollower(m.getTerm(), m.getFrom());
            } else {
                becomeFollower(m.getTerm(), NONE);
            }
        } else if (m.getTerm() < term && (m.getTerm() != 0 || !mayHaveZeroTerm(t))) {
            stepStale(m);
            return;
        }
        switch (t) {
            case MsgHup:
                hup(cfg.preVote() ? CampaignType.PRE_ELECTION : CampaignType.ELECTION);
                return;
            case MsgRequestVote:
            case MsgRequestPreVote:
                handleVoteRequest(m);
                return;
            default:
                break;
        }
        if (state == StateRole.LEADER) {
            leader.step(m);
        } else {
            follower.step(m);
        }
    }

    /** Local messages and forwarded proposals / read requests carry term 0. */
    private static boolean mayHaveZeroTerm(MessageType t) {
        switch (t) {
            case MsgHup:
            case MsgBeat:
            case MsgPropose:
            case MsgReadIndex:
            case MsgTransferLeader:
            case MsgSnapStatus:
            case MsgUnreachable:
            case MsgCheckQuorum:
                return true;
            default:
                return false;
        }
    }

    private void stepStale(Message m) {
        if (m.getTerm() == 0) {
            return;
        }
        MessageType t = m.getMsgType();
        if ((cfg.checkQuorum() || cfg.preVote()) && (t == MessageType.MsgHeartbeat || t == MessageType.MsgAppend)) {
            // Tell a deposed leader about the newer term so it steps down.
            send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom()));
        } else if (t == MessageType.MsgRequestPreVote) {
            send(Message.newBuilder().setMsgType(MessageType.MsgRequestPreVoteResponse).setTo(m.getFrom())
                    .setTerm(term).setReject(true));
        }
    }

    private void handleVoteRequest(Message m) {
        MessageType t = m.getMsgType();
        MessageType resp = t == MessageType.MsgRequestVote
                ? MessageType.MsgRequestVoteResponse : MessageType.MsgRequestPreVoteResponse;
        boolean canVote = vote == m.getFrom() || (vote == NONE && lead == NONE)
                || (t == MessageType.MsgRequestPreVote && m.getTerm() > term);
        if (canVote && vote != m.getFrom() && lease.blocksVotes() && !CAMPAIGN_TRANSFER.equals(m.getContext())) {
            canVote = false;  // lease vote barrier, also within the current term
        }
        if (canVote && raftLog.isUpToDate(m.getIndex(), m.getLogTerm())) {
            send(Message.newBuilder().setMsgType(resp).setTo(m.getFrom()).setTerm(m.getTerm()));
            if (t == MessageType.MsgRequestVote) {
                electionElapsed = 0;
                vote = m.getFrom();
            }
        } else {
            send(Message.newBuilder().setMsgType(resp).setTo(m.getFrom()).setTerm(term).setReject(true));
        }
    }

    // ---- proposals ----

    /** Proposes one entry; returns false if it was dropped (no leader, transfer in progress, conf change pending). */
    boolean propose(EntryType type, ByteString data) {
        if (uninitialized()) {
            return false;
        }
        if (state == StateRole.LEADER) {
            return leader.proposeOne(type, data);
        }
        if (state != StateRole.FOLLOWER || lead == NONE) {
            return false;
        }
        Entry e = Entry.newBuilder().setEntryType(type).setData(data).build();
        send(Message.newBuilder().setMsgType(MessageType.MsgPropose).setTo(lead).addEntries(e));
        return true;
    }

    // ---- membership and snapshots ----

    /** Applies a committed conf change and returns the resulting membership. */
    ConfState applyConfChange(ConfChange cc) {
        Membership next = Changer.apply(tracker.membership(), cc);
        tracker.applyMembership(next, raftLog.lastIndex() + 1);
        Progress self = tracker.progress(id);
        isLearner = self != null && self.isLearner();
        ConfState cs = next.toConfState();
        if (state != StateRole.LEADER) {
            return cs;
        }
        if (self == null || isLearner) {
            // Removed or demoted: step down; the remaining voters elect a new leader.
            becomeFollower(term, NONE);
            return cs;
        }
        if (leadTransferee != NONE && !tracker.isVoter(leadTransferee)) {
            abortLeaderTransfer();
        }
        if (leader.maybeCommit()) {
            repl.bcastAppend();
        } else {
            for (long pid : tracker.ids()) {
                if (pid != id) {
                    repl.maybeSendAppend(pid, false);
                }
            }
        }
        return cs;
    }

    /** Installs a snapshot from the leader; returns false if it is stale or not applicable. */
    boolean restore(Snapshot s) {
        long sindex = s.getMetadata().getIndex();
        long sterm = s.getMetadata().getTerm();
        if (sindex <= raftLog.committed()) {
            return false;
        }
        if (state != StateRole.FOLLOWER) {
            becomeFollower(term + 1, NONE);
            return false;
        }
        Membership m;
        try {
            m = Membership.fromConfState(s.getMetadata().getConfState());
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!m.contains(id)) {
            return false;
        }
        if (raftLog.matchTerm(sindex, sterm)) {
            raftLog.commitTo(sindex);
            return false;
        }
        raftLog.restore(s);
        tracker.applyMembership(Membership.empty(), 0);
        tracker.applyMembership(m, raftLog.lastIndex() + 1);
        long last = raftLog.lastIndex();
        for (long pid : tracker.ids()) {
            tracker.progress(pid).reset(pid == id ? last : 0, last + 1);
        }
        isLearner = tracker.membership().isLearner(id);
        return true;
    }
}
