package org.tinykv.txn.mvcc;

import org.tinykv.txn.types.Lock;

/** The outcome of a snapshot read of one key. Immutable values. */
public sealed interface ReadResult permits ReadResult.Found, ReadResult.NotFound, ReadResult.Locked {
    /** The key has {@code value} at the read timestamp. */
    record Found(byte[] value) implements ReadResult {
    }

    /** The key has no value at the read timestamp (never written, or deleted). */
    record NotFound() implements ReadResult {
    }

    /** A lock at or below the read timestamp hides the value; the reader must resolve it. */
    record Locked(byte[] key, Lock lock) implements ReadResult {
    }
}
