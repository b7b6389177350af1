package org.tinykv.raft;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import org.agrona.collections.LongHashSet;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.EntryType;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.raft.quorum.VoteResult;
import org.tinykv.raft.tracker.Progress;
import org.tinykv.raft.tracker.ProgressState;

/**
 * Message handling while this node is leader: proposals, append/heartbeat responses, snapshot and
 * unreachable reports, leader transfer, read index and check-quorum.
 *
 * <p>Confined to the raft instance's thread.
 */
final class LeaderHandler {
    private final Raft r;
    /** Reused for every proposal: build() copies the fields, so one builder serves all entries. */
    private final Entry.Builder entryBuilder = Entry.newBuilder();

    LeaderHandler(Raft r) {
        this.r = r;
    }

    void step(Message m) {
        switch (m.getMsgType()) {
            case MsgBeat:
                r.repl.bcastHeartbeat();
                return;
            case MsgCheckQuorum:
                checkQuorum();
                return;
            case MsgPropose:
                handlePropose(m);
                return;
            case MsgReadIndex:
                handleReadIndex(m);
                return;
            default:
                break;
        }
        Progress pr = r.tracker.progress(m.getFrom());
        if (pr == null) {
            return;
        }
        switch (m.getMsgType()) {
            case MsgAppendResponse:
                handleAppendResponse(m, pr);
                break;
            case MsgHeartbeatResponse:
                handleHeartbeatResponse(m, pr);
                break;
            case MsgSnapStatus:
                if (pr.state() == ProgressState.SNAPSHOT) {
                    if (m.getReject()) {
                        pr.snapshotFailed();
                    }
                    pr.becomeProbe();
                    // Wait for the next heartbeat response (or append response) before probing again.
                    pr.setProbeSent(true);
                }
                break;
            case MsgUnreachable:
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                break;
            case MsgTransferLeader:
                handleTransferLeader(m, pr);
                break;
            default:
                break;
        }
    }

    void checkQuorum() {
        if (!r.tracker.quorumActiveAndReset(r.id)) {
            r.becomeFollower(r.term, Raft.NONE);
        }
    }

    /** Commits what a quorum has acknowledged (entries of this term only, §5.4.2). */
    boolean maybeCommit() {
        if (r.raftLog.maybeCommit(r.tracker.committed(), r.term)) {
            releasePendingReadIndexMessages();
            return true;
        }
        return false;
    }

    private boolean canPropose() {
        return r.tracker.progress(r.id) != null && r.leadTransferee == Raft.NONE;
    }

    boolean proposeOne(EntryType type, ByteString data) {
        if (!canPropose()) {
            return false;
        }
        long index = r.raftLog.lastIndex() + 1;
        if (type == EntryType.EntryConfChange) {
            if (r.pendingConfIndex > r.raftLog.applied()) {
                return false;
            }
            r.pendingConfIndex = index;
        }
        Entry e = entryBuilder.setEntryType(type).setTerm(r.term).setIndex(index).setData(data).build();
        r.appendEntry(e);
        r.repl.bcastAppend();
        return true;
    }

    private void handlePropose(Message m) {
        int n = m.getEntriesCount();
        if (n == 0 || !canPropose()) {
            return;
        }
        long li = r.raftLog.lastIndex();
        List<Entry> stamped = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Entry e = m.getEntries(i);
            Entry.Builder b = Entry.newBuilder().setTerm(r.term).setIndex(li + 1 + i);
            if (e.getEntryType() == EntryType.EntryConfChange) {
                if (r.pendingConfIndex > r.raftLog.applied()) {
                    stamped.add(b.build());  // refused: an empty normal entry keeps the indexes dense
                    continue;
                }
                r.pendingConfIndex = li + 1 + i;
            }
            stamped.add(b.setEntryType(e.getEntryType()).setData(e.getData()).build());
        }
        r.appendEntries(stamped);
        r.repl.bcastAppend();
    }

    private void handleAppendResponse(Message m, Progress pr) {
        pr.setRecentActive(true);
        if (m.getReject()) {
            long hint = Math.min(m.getRejectHint(), r.raftLog.lastIndex());
            if (m.getLogTerm() > 0) {
                hint = r.raftLog.findConflictByTerm(hint, m.getLogTerm());
            }
            if (pr.maybeDecrTo(m.getIndex(), hint)) {
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
                r.repl.sendAppend(m.getFrom());
            }
            return;
        }
        boolean oldPaused = pr.isPaused();
        if (!pr.maybeUpdate(m.getIndex())) {
            return;
        }
        switch (pr.state()) {
            case PROBE:
                pr.becomeReplicate();
                break;
            case SNAPSHOT:
                if (pr.match() + 1 >= r.raftLog.firstIndex()) {
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
                break;
            default:
                pr.inflights().freeLE(m.getIndex());
                break;
        }
        if (maybeCommit()) {
            r.repl.bcastAppend();
        } else if (oldPaused) {
            r.repl.sendAppend(m.getFrom());
        }
        while (r.repl.maybeSendAppend(m.getFrom(), false)) {
            // keep filling the inflight window
        }
        if (m.getFrom() == r.leadTransferee && pr.match() == r.raftLog.lastIndex()) {
            sendTimeoutNow(m.getFrom());
        }
    }

    private void handleHeartbeatResponse(Message m, Progress pr) {
        pr.setRecentActive(true);
        pr.setProbeSent(false);
        pr.ackLeaseStamp(m.getIndex());
        if (pr.state() == ProgressState.REPLICATE && pr.inflights().full()) {
            pr.inflights().freeFirstOne();
        }
        if (pr.match() < r.raftLog.lastIndex()) {
            r.repl.sendAppend(m.getFrom());
        }
        ByteString ctx = m.getContext();
        if (ctx.isEmpty()) {
            return;
        }
        LongHashSet acks = r.readOnly.recvAck(m.getFrom(), ctx);
        if (acks == null) {
            return;
        }
        if (r.tracker.membership().voters().voteResult(id -> acks.contains(id) ? 1 : 0) != VoteResult.WON) {
            return;
        }
        for (ReadOnly.Status s : r.readOnly.advance(ctx)) {
            respondReadIndex(s.request(), s.index());
        }
    }

    private void handleTransferLeader(Message m, Progress pr) {
        if (pr.isLearner()) {
            return;
        }
        long transferee = m.getFrom();
        if (r.leadTransferee != Raft.NONE) {
            if (r.leadTransferee == transferee) {
                return;
            }
            r.abortLeaderTransfer();
        }
        if (transferee == r.id) {
            return;
        }
        // The transfer must finish within one election timeout, else it is abandoned (see Raft.tick).
        r.electionElapsed = 0;
        r.leadTransferee = transferee;
        if (pr.match() == r.raftLog.lastIndex()) {
            sendTimeoutNow(transferee);
        } else {
            r.repl.sendAppend(transferee);
        }
    }

    private void sendTimeoutNow(long to) {
        r.lease.transferStarted();
        r.send(Message.newBuilder().setMsgType(MessageType.MsgTimeoutNow).setTo(to));
    }

    private void handleReadIndex(Message m) {
        if (m.getContext().isEmpty()) {
            return;
        }
        if (r.tracker.isSingleton() && r.tracker.isVoter(r.id)) {
            respondReadIndex(m, r.raftLog.committed());
            return;
        }
        if (!r.committedEntryInCurrentTerm()) {
            r.pendingReadIndexMessages.add(m);
            return;
        }
        sendReadIndex(m);
    }

    private void sendReadIndex(Message m) {
        if (r.lease.valid()) {
            r.leaseReads++;
            respondReadIndex(m, r.raftLog.committed());
        } else {
            // SAFE, or no valid lease: confirm leadership with a heartbeat round (never refuse the read).
            r.heartbeatReads++;
            r.readOnly.addRequest(r.raftLog.committed(), m);
            r.readOnly.recvAck(r.id, m.getContext());
            r.repl.bcastHeartbeatWithCtx(m.getContext());
        }
    }

    private void releasePendingReadIndexMessages() {
        if (r.pendingReadIndexMessages.isEmpty() || !r.committedEntryInCurrentTerm()) {
            return;
        }
        List<Message> pending = new ArrayList<>(r.pendingReadIndexMessages);
        r.pendingReadIndexMessages.clear();
        for (Message m : pending) {
            sendReadIndex(m);
        }
    }

    private void respondReadIndex(Message req, long index) {
        if (req.getFrom() == Raft.NONE || req.getFrom() == r.id) {
            r.readStates.add(new ReadState(index, req.getContext()));
        } else {
            r.send(Message.newBuilder().setMsgType(MessageType.MsgReadIndexResponse).setTo(req.getFrom())
                    .setIndex(index).setContext(req.getContext()));
        }
    }
}
