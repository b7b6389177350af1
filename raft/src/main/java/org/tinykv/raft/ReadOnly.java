package org.tinykv.raft;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.agrona.collections.LongHashSet;
import org.tinykv.proto.eraftpb.Message;

/**
 * The leader's queue of read-index requests awaiting confirmation by a quorum of heartbeat acknowledgements
 * (ReadOnlyOption.SAFE). Requests are identified by their context and answered in arrival order: a quorum for
 * a later request confirms every earlier one.
 *
 * <p>Confined to the raft instance's thread; recreated at every term change.
 */
final class ReadOnly {
    /** One pending request: who asked, the commit index when it arrived, who has acknowledged. */
    record Status(Message request, long index, LongHashSet acks) {
    }

    private final HashMap<ByteString, Status> pending = new HashMap<>();
    private final ArrayDeque<ByteString> queue = new ArrayDeque<>();

    /** Queues a request at commit index {@code index}; duplicates of a pending context are ignored. */
    void addRequest(long index, Message m) {
        ByteString ctx = m.getContext();
        if (pending.containsKey(ctx)) {
            return;
        }
        pending.put(ctx, new Status(m, index, new LongHashSet()));
        queue.addLast(ctx);
    }

    /** Records that {@code id} acknowledged {@code ctx}; returns the acknowledgers, or null if unknown. */
    LongHashSet recvAck(long id, ByteString ctx) {
        Status s = pending.get(ctx);
        if (s == null) {
            return null;
        }
        s.acks().add(id);
        return s.acks();
    }

    /** Removes and returns every request up to and including {@code ctx} (empty if ctx is not pending). */
    List<Status> advance(ByteString ctx) {
        if (!pending.containsKey(ctx)) {
            return List.of();
        }
        List<Status> done = new ArrayList<>();
        while (!queue.isEmpty()) {
            ByteString head = queue.pollFirst();
            done.add(pending.remove(head));
            if (head.equals(ctx)) {
                break;
            }
        }
        return done;
    }

    /** The context of the newest pending request, or null. */
    ByteString lastPendingRequestCtx() {
        return queue.peekLast();
    }

    int pendingCount() {
        return queue.size();
    }
}
