package org.tinykv.raft.tracker;

/**
 * The leader's replication state for one peer: the highest index known to match ({@code match}), the next index
 * to send ({@code next}), the {@link ProgressState} and the inflight window. Every state transition lives here.
 *
 * <p>Confined to the raft instance's thread.
 */
public final class Progress {
    private long match;
    private long next;
    private ProgressState state = ProgressState.PROBE;
    private long pendingSnapshot;
    private boolean recentActive;
    private boolean probeSent;
    private boolean learner;
    /** Lease stamp (leader send tick + 1) of the newest heartbeat this peer acknowledged in this term; 0 if none. */
    private long leaseStamp;
    private final Inflights inflights;

    /** Creates a progress in PROBE state. */
    public Progress(long match, long next, int maxInflight, long maxInflightBytes, boolean learner) {
        this.match = match;
        this.next = next;
        this.learner = learner;
        this.inflights = new Inflights(maxInflight, maxInflightBytes);
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public ProgressState state() {
        return state;
    }

    /** Index of the snapshot being sent while in SNAPSHOT state, else 0. */
    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean active) {
        this.recentActive = active;
    }

    public boolean probeSent() {
        return probeSent;
    }

    public void setProbeSent(boolean sent) {
        this.probeSent = sent;
    }

    public boolean isLearner() {
        return learner;
    }

    void setLearner(boolean learner) {
        this.learner = learner;
    }

    /**
     * The lease stamp (the leader's send tick + 1) of the newest heartbeat this peer has acknowledged since the
     * leader's term began, or 0 if none.
     */
    public long leaseStamp() {
        return leaseStamp;
    }

    /** Records that this peer acknowledged a heartbeat stamped {@code stamp}; older stamps are ignored. */
    public void ackLeaseStamp(long stamp) {
        if (stamp > leaseStamp) {
            leaseStamp = stamp;
        }
    }

    public Inflights inflights() {
        return inflights;
    }

    /** Resets to PROBE with the given match and next (used when a term starts). */
    public void reset(long newMatch, long newNext) {
        match = newMatch;
        next = newNext;
        resetState(ProgressState.PROBE);
        recentActive = false;
        leaseStamp = 0;
    }

    private void resetState(ProgressState s) {
        probeSent = false;
        pendingSnapshot = 0;
        state = s;
        inflights.reset();
    }

    /** Enters PROBE; after a snapshot, probing resumes after the snapshot index. */
    public void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            long snap = pendingSnapshot;
            resetState(ProgressState.PROBE);
            next = Math.max(match + 1, snap + 1);
        } else {
            resetState(ProgressState.PROBE);
            next = match + 1;
        }
    }

    /** Forgets the snapshot in flight (it failed), so that probing restarts after match. */
    public void snapshotFailed() {
        pendingSnapshot = 0;
    }

    /** Enters REPLICATE, streaming from match+1. */
    public void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    /** Enters SNAPSHOT while a snapshot at {@code snapshotIndex} is sent. */
    public void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /**
     * Called on an accepted append response acknowledging {@code n}. Returns false if the response is stale
     * (does not advance match).
     */
    public boolean maybeUpdate(long n) {
        boolean updated = false;
        if (match < n) {
            match = n;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, n + 1);
        return updated;
    }

    /** Optimistically advances next after sending entries up to {@code n} in REPLICATE state. */
    public void optimisticUpdate(long n) {
        next = n + 1;
    }

    /**
     * Called on a rejected append for index {@code rejected}; {@code matchHint} is the highest index the leader
     * believes may match. Returns false if the rejection is stale and must be ignored.
     */
    public boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == ProgressState.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        probeSent = false;
        return true;
    }

    /** True if the leader must not send appends to this peer now. */
    public boolean isPaused() {
        switch (state) {
            case PROBE:
                return probeSent;
            case REPLICATE:
                return inflights.full();
            default:
                return true;
        }
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next + (learner ? " learner" : "")
                + (pendingSnapshot > 0 ? " snap=" + pendingSnapshot : "") + " inflight=" + inflights.count();
    }
}
