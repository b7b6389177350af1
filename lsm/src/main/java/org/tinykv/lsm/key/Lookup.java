package org.tinykv.lsm.key;

/**
 * The state of a point lookup as it visits sources from newest to oldest: the newest visible point entry found so
 * far and the largest visible range-tombstone sequence number covering the key.
 *
 * <p>Thread-safety: confined to one thread (one lookup).
 */
public final class Lookup {

    /** The user key looked up. */
    public final byte[] userKey;
    /** The snapshot sequence number: entries above it are invisible. */
    public final long snapshotSeq;
    private boolean found;
    private int kind;
    private long seq;
    private byte[] value;
    private long maxTombstoneSeq = -1;
    private byte[] seekKey;

    /** Creates a lookup of {@code userKey} at {@code snapshotSeq}. */
    public Lookup(final byte[] userKey, final long snapshotSeq) {
        this.userKey = userKey;
        this.snapshotSeq = snapshotSeq;
    }

    /** The internal seek key of the lookup ({@link InternalKey#seekKey}), built once and shared by every source. */
    public byte[] seekKey() {
        byte[] k = seekKey;
        if (k == null) {
            k = InternalKey.seekKey(userKey, snapshotSeq);
            seekKey = k;
        }
        return k;
    }

    /** Records the point entry found (the first one found wins). */
    public void found(final int kindCode, final long entrySeq, final byte[] entryValue) {
        this.found = true;
        this.kind = kindCode;
        this.seq = entrySeq;
        this.value = entryValue;
    }

    /** Records a covering range tombstone sequence number. */
    public void tombstone(final long tombstoneSeq) {
        if (tombstoneSeq > maxTombstoneSeq) {
            maxTombstoneSeq = tombstoneSeq;
        }
    }

    /** Whether a point entry was found. */
    public boolean isFound() {
        return found;
    }

    /** The result: the value if the newest visible entry is a put not covered by a newer range tombstone. */
    public byte[] result() {
        if (!found || kind != ValueKind.PUT.code() || maxTombstoneSeq > seq) {
            return null;
        }
        return value;
    }
}
