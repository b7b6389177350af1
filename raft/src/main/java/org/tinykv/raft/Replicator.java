package org.tinykv.raft;

import com.google.protobuf.ByteString;
import java.util.List;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.raft.tracker.Progress;

/**
 * The leader's outgoing replication: appends (or a snapshot when the needed entries are compacted) and
 * heartbeats. Broadcasts of appends are deferred until the messages are read, so that many proposals made
 * between two Readys travel in one append message per follower.
 *
 * <p>Confined to the raft instance's thread.
 */
final class Replicator {
    private final Raft r;
    private boolean pendingBroadcast;

    Replicator(Raft r) {
        this.r = r;
    }

    /** Schedules an append (or commit-index update) to every follower when messages are next read. */
    void bcastAppend() {
        pendingBroadcast = true;
    }

    boolean hasPendingBroadcast() {
        return pendingBroadcast;
    }

    void cancelBroadcast() {
        pendingBroadcast = false;
    }

    /** Performs a scheduled broadcast, if this node is still leader. */
    void flush() {
        if (!pendingBroadcast) {
            return;
        }
        pendingBroadcast = false;
        if (r.state != StateRole.LEADER) {
            return;
        }
        for (long id : r.tracker.ids()) {
            if (id != r.id) {
                sendAppend(id);
            }
        }
    }

    /** Sends an append to {@code to}, even an empty one carrying only the commit index. */
    void sendAppend(long to) {
        maybeSendAppend(to, true);
    }

    /**
     * Sends the entries {@code to} is missing (or a snapshot). Returns true if a message was sent. With
     * {@code sendIfEmpty} false, nothing is sent when there are no new entries.
     */
    boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        Progress pr = r.tracker.progress(to);
        if (pr == null || pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm;
        List<Entry> ents;
        try {
            prevTerm = r.raftLog.term(prevIndex);
            ents = r.raftLog.entriesView(pr.next(), r.cfg.maxSizePerMsg());  // copied into the message below
        } catch (CompactedException e) {
            return sendSnapshot(to, pr);
        } catch (UnavailableException e) {
            pr.becomeProbe();
            return false;
        }
        if (ents.isEmpty() && !sendIfEmpty) {
            return false;
        }
        Message.Builder m = Message.newBuilder().setMsgType(MessageType.MsgAppend).setTo(to)
                .setIndex(prevIndex).setLogTerm(prevTerm).setCommit(r.raftLog.committed());
        if (!ents.isEmpty()) {
            m.addAllEntries(ents);
            long last = ents.get(ents.size() - 1).getIndex();
            switch (pr.state()) {
                case REPLICATE:
                    pr.optimisticUpdate(last);
                    pr.inflights().add(last, r.cfg.maxInflightBytes() > 0 ? EntryLists.sizeOf(ents) : 0);
                    break;
                case PROBE:
                    pr.setProbeSent(true);
                    break;
                default:
                    throw new IllegalStateException("sending append to " + to + " in state " + pr.state());
            }
        }
        r.send(m);
        return true;
    }

    private boolean sendSnapshot(long to, Progress pr) {
        if (!pr.recentActive()) {
            return false;
        }
        Snapshot snap;
        try {
            snap = r.raftLog.snapshot();
        } catch (SnapshotTemporarilyUnavailableException e) {
            return false;
        }
        if (RaftStorage.isEmpty(snap)) {
            throw new IllegalStateException("peer " + to + " needs a snapshot but storage has none");
        }
        r.send(Message.newBuilder().setMsgType(MessageType.MsgSnapshot).setTo(to).setSnapshot(snap));
        pr.becomeSnapshot(snap.getMetadata().getIndex());
        return true;
    }

    /** Sends a heartbeat; {@code ctx} (nullable) is the newest pending read-index context. */
    void sendHeartbeat(long to, ByteString ctx) {
        Progress pr = r.tracker.progress(to);
        long commit = Math.min(pr.match(), r.raftLog.committed());
        Message.Builder m = Message.newBuilder().setMsgType(MessageType.MsgHeartbeat).setTo(to).setCommit(commit);
        long stamp = r.lease.stampNow();
        if (stamp != 0) {
            m.setIndex(stamp);  // the lease stamp, echoed by the follower (see LeaderLease)
        }
        if (ctx != null) {
            m.setContext(ctx);
        }
        r.send(m);
    }

    void bcastHeartbeat() {
        bcastHeartbeatWithCtx(r.readOnly.lastPendingRequestCtx());
    }

    void bcastHeartbeatWithCtx(ByteString ctx) {
        for (long id : r.tracker.ids()) {
            if (id != r.id) {
                sendHeartbeat(id, ctx);
            }
        }
    }
}
