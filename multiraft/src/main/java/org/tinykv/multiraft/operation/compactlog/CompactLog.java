package org.tinykv.multiraft.operation.compactlog;

import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.raft_cmdpb.AdminRequest;
import org.tinykv.proto.raft_cmdpb.CompactLogRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftTruncatedState;

/**
 * The raft log GC rules: when a leader proposes a truncation, what the command looks like, and how applying it
 * changes the apply state.
 *
 * <p>Thread-safety: stateless.
 */
public final class CompactLog {

    private CompactLog() {
    }

    /**
     * The index a leader should compact its log to, or 0 if no CompactLog is due: due when more than
     * {@code countLimit} applied entries are kept ({@code applied - firstIndex + 1}), or the kept log exceeds
     * {@code sizeLimit} bytes with at least one applied entry. The target is the applied index; followers lagging
     * behind it will catch up by snapshot. {@code lastProposed} suppresses re-proposing the same target.
     */
    public static long compactIndex(final long firstIndex, final long applied, final long logBytes,
                                    final long countLimit, final long sizeLimit, final long lastProposed) {
        if (applied < firstIndex || applied <= lastProposed) {
            return 0;
        }
        final long kept = applied - firstIndex + 1;
        if (kept > countLimit || logBytes > sizeLimit) {
            return applied;
        }
        return 0;
    }

    /** The admin command truncating {@code region}'s log up to {@code index} (whose term is {@code term}). */
    public static RaftCmdRequest request(final Region region, final Peer self, final long index, final long term) {
        return RaftCmdRequest.newBuilder()
                .setHeader(RaftRequestHeader.newBuilder().setRegionId(region.getId()).setPeer(self)
                        .setRegionEpoch(region.getRegionEpoch()))
                .setAdminRequest(AdminRequest.newBuilder().setCmdType(AdminCmdType.CompactLog)
                        .setCompactLog(CompactLogRequest.newBuilder().setCompactIndex(index).setCompactTerm(term)))
                .build();
    }

    /**
     * The apply state after applying a CompactLog to {@code index}/{@code term}, or null if it changes nothing
     * (already truncated that far, or beyond the applied index: a stale or bogus command).
     */
    public static RaftApplyState apply(final RaftApplyState state, final long index, final long term) {
        if (index <= state.getTruncatedState().getIndex() || index > state.getAppliedIndex()) {
            return null;
        }
        return state.toBuilder().setTruncatedState(RaftTruncatedState.newBuilder().setIndex(index).setTerm(term))
                .build();
    }
}
