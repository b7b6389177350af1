package org.tinykv.raft;

import java.util.List;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.Snapshot;

/**
 * The durable raft log as raft reads it. The caller owns writing (it persists what {@link Ready} hands it) and
 * compaction; raft only reads.
 *
 * <p>The log holds a dummy position {@code firstIndex() - 1} whose term is known (the last index folded into
 * the snapshot) followed by entries {@code [firstIndex(), lastIndex()]}.
 *
 * <p>Error contract: {@link CompactedException}, {@link UnavailableException} and
 * {@link SnapshotTemporarilyUnavailableException} are expected outcomes that raft handles. Any other exception
 * means the storage failed: the {@link RawNode} stops and throws {@link RaftFailedException} from then on.
 *
 * <p>Thread-safety: called only from the thread that drives the {@link RawNode}; implementations shared with
 * other threads must synchronize themselves.
 */
public interface RaftStorage {

    /** The hard state and membership to restart from. */
    RaftState initialState();

    /**
     * Entries {@code [lo, hi)}, stopping before the total serialized size exceeds {@code maxSize} but always
     * returning at least one entry if the range is non-empty. The returned list must not change afterwards.
     * Throws {@link CompactedException} if {@code lo < firstIndex()}, {@link UnavailableException} if
     * {@code hi > lastIndex() + 1}.
     */
    List<Entry> entries(long lo, long hi, long maxSize);

    /**
     * The term of entry {@code i}, for {@code firstIndex() - 1 <= i <= lastIndex()}. Throws
     * {@link CompactedException} below that range and {@link UnavailableException} above it.
     */
    long term(long i);

    /** Index of the first entry still available (the snapshot index + 1). */
    long firstIndex();

    /** Index of the last entry (the snapshot index if there are no entries). */
    long lastIndex();

    /** The most recent snapshot, or throws {@link SnapshotTemporarilyUnavailableException}. */
    org.tinykv.proto.eraftpb.Snapshot snapshot();

    /** Convenience: true if the snapshot is the empty default instance. */
    static boolean isEmpty(Snapshot s) {
        return s == null || s.getMetadata().getIndex() == 0;
    }
}
