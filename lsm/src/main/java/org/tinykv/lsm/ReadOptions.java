package org.tinykv.lsm;

/**
 * Options of a read or an iterator. Build with {@link #builder()}; {@link #DEFAULT} reads the latest state.
 *
 * <p>Checksums of blocks read from disk are always verified; {@code verifyChecksums(false)} is accepted and
 * changes nothing.
 *
 * <p>Thread-safety: immutable, safe.
 */
public final class ReadOptions {

    /** Latest state, no bounds, fill the block cache. */
    public static final ReadOptions DEFAULT = builder().build();

    private final Snapshot snapshot;
    private final byte[] lowerBound;
    private final byte[] upperBound;
    private final boolean fillCache;
    private final boolean verifyChecksums;

    private ReadOptions(final Builder b) {
        this.snapshot = b.snapshot;
        this.lowerBound = b.lowerBound == null ? null : b.lowerBound.clone();
        this.upperBound = b.upperBound == null ? null : b.upperBound.clone();
        this.fillCache = b.fillCache;
        this.verifyChecksums = b.verifyChecksums;
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The snapshot to read at, or null for the latest state. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Inclusive lower bound of iterators, or null. */
    public byte[] lowerBound() {
        return lowerBound;
    }

    /** Exclusive upper bound of iterators, or null. */
    public byte[] upperBound() {
        return upperBound;
    }

    /** Whether blocks read are added to the block cache. */
    public boolean fillCache() {
        return fillCache;
    }

    /** Whether checksums are verified (always, see the class comment). */
    public boolean verifyChecksums() {
        return verifyChecksums;
    }

    /** Builder of {@link ReadOptions}; confined to one thread. */
    public static final class Builder {
        private Snapshot snapshot;
        private byte[] lowerBound;
        private byte[] upperBound;
        private boolean fillCache = true;
        private boolean verifyChecksums = true;

        private Builder() {
        }

        /** Reads at {@code s}. */
        public Builder snapshot(final Snapshot s) {
            this.snapshot = s;
            return this;
        }

        /** Inclusive lower bound for iterators. */
        public Builder lowerBound(final byte[] inclusive) {
            this.lowerBound = inclusive;
            return this;
        }

        /** Exclusive upper bound for iterators. */
        public Builder upperBound(final byte[] exclusive) {
            this.upperBound = exclusive;
            return this;
        }

        /** Whether to fill the block cache (default true). */
        public Builder fillCache(final boolean fill) {
            this.fillCache = fill;
            return this;
        }

        /** Accepted for compatibility; checksums are always verified. */
        public Builder verifyChecksums(final boolean verify) {
            this.verifyChecksums = verify;
            return this;
        }

        /** Builds the options. */
        public ReadOptions build() {
            return new ReadOptions(this);
        }
    }
}
