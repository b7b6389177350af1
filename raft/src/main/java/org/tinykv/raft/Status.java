package org.tinykv.raft;

import org.tinykv.proto.eraftpb.HardState;

/**
 * A point-in-time summary of a raft node, for monitoring and routing.
 *
 * @param id             the node id
 * @param hardState      term, vote and commit index (in memory, possibly not yet persisted)
 * @param softState      leader and role
 * @param applied        the applied index
 * @param lastIndex      the last log index
 * @param leadTransferee the target of an ongoing leader transfer, 0 if none
 */
public record Status(long id, HardState hardState, SoftState softState, long applied, long lastIndex,
                     long leadTransferee) {
}
