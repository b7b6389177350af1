package org.tinykv.multiraft.fsm;

import org.tinykv.multiraft.peer.Peer;
import org.tinykv.proto.metapb.Region;

/**
 * What one peer looked like at the end of a raft-worker round (its first, then one per tick), for status pages.
 *
 * @param region          the region meta (range, epoch, peers)
 * @param peerId          this peer's id
 * @param leaderPeerId    the known leader's peer id, 0 if unknown
 * @param leader          whether this peer is the leader
 * @param term            the raft term
 * @param commitIndex     the highest committed log index known
 * @param appliedIndex    the highest index handed to the apply side
 * @param lastIndex       the last log index
 * @param truncatedIndex  the index up to which the log was compacted
 * @param logBytes        bytes of raft log kept (an estimate)
 * @param hibernating     whether the region has stopped ticking on this store
 */
public record PeerStatus(Region region, long peerId, long leaderPeerId, boolean leader, long term, long commitIndex,
                         long appliedIndex, long lastIndex, long truncatedIndex, long logBytes, boolean hibernating) {

    /** Reads the status of {@code peer}; only on the thread that holds it. */
    static PeerStatus of(final Peer peer) {
        final var s = peer.status();
        return new PeerStatus(peer.region(), peer.meta().getId(), peer.leaderId(), peer.isLeader(),
                s.hardState().getTerm(), s.hardState().getCommit(), s.applied(), s.lastIndex(),
                peer.storage().truncatedIndex(), peer.storage().logBytes(), peer.isHibernating());
    }
}
