package org.tinykv.multiraft.peer;

import java.io.IOException;
import org.agrona.concurrent.EpochClock;
import org.tinykv.lsm.Db;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;

/**
 * Reads a leader answers on the caller's thread (a gRPC transport thread), without a trip through its raft worker
 * and apply worker, while its lease holds. Anything this class cannot vouch for is left to the ordinary path
 * ({@link Peer#propose}), which also gives every error its proper answer.
 *
 * <p>Two workers publish what they know, each through one volatile reference to an immutable view:
 * <ul>
 *   <li>the raft worker, after each round of the peer: its term, that it leads, and until when (in clock
 *       milliseconds) its lease holds. The lease is counted in ticks; its end is turned into a time from the round's
 *       start, less one tick, so a reader's clock never runs past the tick clock's end of the lease. Ticks not yet
 *       taken by the peer would make its counter lag, so a round that leaves one pending publishes no lease. A
 *       leader transfer or a region change (split, conf change) revokes the lease at once, when it is proposed:
 *       the transferee may be elected without a vote barrier, and a split other stores apply first may elect the
 *       new region's leader elsewhere before this store stops serving that range for the parent.</li>
 *   <li>the apply worker, after each batch is written: the applied index and the region as applied.</li>
 * </ul>
 * A read is served locally only if the lease holds now, the applied index has reached the leader's first entry
 * of its term (so every earlier commit is applied) and every region change it proposed, and the command passes
 * the same store, peer, term, epoch and key checks as a proposal, against the applied region. The lease is
 * checked again after the read, so a lease revoked meanwhile sends the read the ordinary way.
 *
 * <p>Reads answered here do not pass through the peer, so they would not keep its region from hibernating, which
 * voids the lease and sends the next read the slow way; the peer asks {@code takeServed} before it counts itself
 * idle.
 *
 * <p>Thread-safety: {@code leaderRound}, {@code revoke}, {@code regionChangeProposed} and {@code takeServed} are
 * called by the raft worker, {@code applied} by the apply worker, {@link #tryServe} by any thread.
 */
public final class LocalReads {

    private record Lease(long term, long peerId, long termStartIndex, long regionChangeIndex, long expiresAt) {
    }

    private record Applied(long index, Region region) {
    }

    private volatile Lease lease;
    private volatile Applied applied;
    /** Set by readers, taken by the raft worker: a region being read is not idle (a sleep would void the lease). */
    private volatile boolean served;

    /** Raft worker only: the leader's first index of its current term, and the last region change it proposed. */
    private long leaderTerm;
    private long termStartIndex;
    private long regionChangeIndex;

    /**
     * After a raft-worker round of the peer (raft worker).
     *
     * @param leader       whether the peer leads an initialized, live region
     * @param term         its current term
     * @param lastIndex    its last log index (on a term's first round as leader: at or after that term's first
     *                     entry)
     * @param ticksLeft    whole ticks left of its lease ({@code RawNode.leaseTicksLeft})
     * @param ticksPending whether ticks are waiting in its mailbox (its tick counter lags the clock)
     * @param roundStart   the clock time at the start of the round, in milliseconds
     * @param tickMillis   milliseconds per tick
     */
    void leaderRound(final boolean leader, final long peerId, final long term, final long lastIndex,
                     final long ticksLeft, final boolean ticksPending, final long roundStart,
                     final long tickMillis) {
        if (!leader) {
            leaderTerm = 0;
            lease = null;
            return;
        }
        if (term != leaderTerm) {
            leaderTerm = term;
            termStartIndex = lastIndex;
        }
        if (ticksPending || ticksLeft < 2) {
            lease = null;
            return;
        }
        lease = new Lease(term, peerId, termStartIndex, regionChangeIndex, roundStart + (ticksLeft - 1) * tickMillis);
    }

    /** A leader transfer was asked for: no local read until a later round vouches again (raft worker). */
    void revoke() {
        lease = null;
    }

    /** A split or conf change was proposed at {@code index}: no local read until it is applied (raft worker). */
    void regionChangeProposed(final long index) {
        regionChangeIndex = Math.max(regionChangeIndex, index);
        lease = null;
    }

    /** The apply worker wrote through {@code index} for {@code region}, or destroyed the peer's data (null). */
    void applied(final long index, final Region region) {
        final Applied a = applied;
        if (a == null || a.index != index || a.region != region) {
            applied = region == null ? null : new Applied(index, region);
        }
    }

    /** True if {@code req} is a kind of command a local read may answer (Get and Snap only): a cheap first test. */
    public static boolean mayServe(final RaftCmdRequest req) {
        return !req.hasAdminRequest() && CommandChecks.isReadOnly(req);
    }

    /**
     * Answers {@code req} here if it is a read the lease covers; null sends it the ordinary way. The answer's
     * snapshot, if any, belongs to the caller.
     *
     * @throws IOException if the engine fails to read
     */
    public ApplyDelegate.Result tryServe(final RaftCmdRequest req, final long storeId, final Db kv,
                                         final EpochClock clock) throws IOException {
        final Lease l = lease;
        final Applied a = applied;
        if (l == null || a == null || !mayServe(req) || clock.time() >= l.expiresAt
                || a.index < l.termStartIndex || a.index < l.regionChangeIndex
                || RegionChecks.checkStoreId(req, storeId) != null
                || RegionChecks.checkPeerAndTerm(req, l.peerId, l.term) != null
                || RegionChecks.checkRegionEpoch(req, a.region, true) != null
                || CommandChecks.checkRequests(req, a.region) != null) {
            return null;
        }
        final ApplyDelegate.Result result = ApplyDelegate.read(req, l.term, a.region, kv);
        if (lease != l || clock.time() >= l.expiresAt) {
            if (result.snapshot() != null) {
                result.snapshot().close();
            }
            return null;
        }
        if (!served) {
            served = true;
        }
        return result;
    }

    /** True if a read was answered here since the last call (raft worker). */
    boolean takeServed() {
        if (served) {
            served = false;
            return true;
        }
        return false;
    }
}
