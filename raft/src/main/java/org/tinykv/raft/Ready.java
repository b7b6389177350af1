package org.tinykv.raft;

import java.util.List;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.Snapshot;

/**
 * Everything a {@link RawNode} asks its caller to do in one round: persist, send, apply. See {@link RawNode} for
 * the order. All lists are immutable.
 *
 * @param softState        the new leader/role, or null if unchanged since the previous Ready
 * @param hardState        the hard state to persist, or null if unchanged
 * @param entries          entries to append to stable storage before sending messages
 * @param snapshot         a snapshot from the leader to install in storage, or null
 * @param committedEntries committed entries to apply to the state machine, in order (already persisted, or
 *                         persisted by this same Ready)
 * @param messages         messages to send after persisting
 * @param readStates       answered read-index requests
 * @param mustSync         whether the persistence of this Ready must be synced to disk
 */
public record Ready(SoftState softState, HardState hardState, List<Entry> entries, Snapshot snapshot,
                   List<Entry> committedEntries, List<Message> messages, List<ReadState> readStates,
                   boolean mustSync) {
}
