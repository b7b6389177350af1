package org.tinykv.raft;

import java.util.List;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.raft.quorum.VoteResult;

/**
 * Message handling while this node is a follower, candidate or pre-candidate: accepting appends, heartbeats and
 * snapshots from the leader, counting votes, forwarding proposals and read requests to the leader.
 *
 * <p>Confined to the raft instance's thread.
 */
final class FollowerHandler {
    private final Raft r;

    FollowerHandler(Raft r) {
        this.r = r;
    }

    void step(Message m) {
        if (r.state == StateRole.FOLLOWER) {
            stepFollower(m);
        } else {
            stepCandidate(m);
        }
    }

    private void stepFollower(Message m) {
        switch (m.getMsgType()) {
            case MsgPropose:
            case MsgTransferLeader:
            case MsgReadIndex:
                if (r.lead != Raft.NONE) {
                    r.send(m.toBuilder().setTo(r.lead));
                }
                break;
            case MsgAppend:
                r.electionElapsed = 0;
                r.lead = m.getFrom();
                handleAppendEntries(m);
                break;
            case MsgHeartbeat:
                r.electionElapsed = 0;
                r.lead = m.getFrom();
                handleHeartbeat(m);
                break;
            case MsgSnapshot:
                r.electionElapsed = 0;
                r.lead = m.getFrom();
                handleSnapshot(m);
                break;
            case MsgTimeoutNow:
                // Leadership transfer: campaign at once, without pre-vote.
                r.hup(Raft.CampaignType.TRANSFER);
                break;
            case MsgReadIndexResponse:
                if (!m.getContext().isEmpty()) {
                    r.readStates.add(new ReadState(m.getIndex(), m.getContext()));
                }
                break;
            default:
                break;
        }
    }

    private void stepCandidate(Message m) {
        MessageType myVoteResp = r.state == StateRole.PRE_CANDIDATE
                ? MessageType.MsgRequestPreVoteResponse : MessageType.MsgRequestVoteResponse;
        MessageType t = m.getMsgType();
        if (t == MessageType.MsgAppend) {
            r.becomeFollower(m.getTerm(), m.getFrom());
            handleAppendEntries(m);
        } else if (t == MessageType.MsgHeartbeat) {
            r.becomeFollower(m.getTerm(), m.getFrom());
            handleHeartbeat(m);
        } else if (t == MessageType.MsgSnapshot) {
            r.becomeFollower(m.getTerm(), m.getFrom());
            handleSnapshot(m);
        } else if (t == myVoteResp) {
            VoteResult res = r.poll(m.getFrom(), !m.getReject());
            if (res == VoteResult.WON) {
                if (r.state == StateRole.PRE_CANDIDATE) {
                    r.campaign(Raft.CampaignType.ELECTION);
                } else {
                    r.becomeLeader();
                    r.repl.bcastAppend();
                }
            } else if (res == VoteResult.LOST) {
                r.becomeFollower(r.term, Raft.NONE);
            }
        }
        // Proposals are dropped; everything else is ignored while campaigning.
    }

    private void respondAppend(Message m, long index) {
        r.send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom()).setIndex(index));
    }

    private void handleAppendEntries(Message m) {
        r.lease.heardFromLeader();
        if (r.uninitialized()) {
            // Never build a log without a membership (that would replay it from an empty configuration): reject
            // with hint 0, so the leader probes from index 1 and, its log being compacted, sends a snapshot.
            r.send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom())
                    .setIndex(m.getIndex()).setReject(true).setRejectHint(0).setLogTerm(0));
            return;
        }
        List<Entry> ents = m.getEntriesList();
        int n = ents.size();
        if (n > 0 && (ents.get(0).getIndex() != m.getIndex() + 1
                || ents.get(n - 1).getIndex() != m.getIndex() + n)) {
            return;  // malformed: entries are not contiguous after (index, logTerm)
        }
        if (m.getIndex() < r.raftLog.committed()) {
            respondAppend(m, r.raftLog.committed());
            return;
        }
        long lastNew = r.raftLog.maybeAppend(m.getIndex(), m.getLogTerm(), m.getCommit(), ents);
        if (lastNew >= 0) {
            respondAppend(m, lastNew);
            return;
        }
        long hintIndex = Math.min(m.getIndex(), r.raftLog.lastIndex());
        hintIndex = r.raftLog.findConflictByTerm(hintIndex, m.getLogTerm());
        long hintTerm = r.raftLog.termOrZero(hintIndex);
        r.send(Message.newBuilder().setMsgType(MessageType.MsgAppendResponse).setTo(m.getFrom())
                .setIndex(m.getIndex()).setReject(true).setRejectHint(hintIndex).setLogTerm(hintTerm));
    }

    private void handleHeartbeat(Message m) {
        r.lease.heardFromLeader();
        if (m.getCommit() <= r.raftLog.lastIndex()) {
            r.raftLog.commitTo(m.getCommit());
        }
        Message.Builder resp = Message.newBuilder().setMsgType(MessageType.MsgHeartbeatResponse)
                .setTo(m.getFrom()).setContext(m.getContext()).setIndex(m.getIndex());  // echo the lease stamp
        r.send(resp);
    }

    private void handleSnapshot(Message m) {
        r.lease.heardFromLeader();
        if (!m.hasSnapshot() || m.getSnapshot().getMetadata().getIndex() == 0) {
            return;
        }
        if (r.restore(m.getSnapshot())) {
            respondAppend(m, r.raftLog.lastIndex());
        } else {
            respondAppend(m, r.raftLog.committed());
        }
    }
}
