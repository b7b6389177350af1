package org.tinykv.txn.mvcc;

import org.tinykv.txn.types.TimeStamp;
import org.tinykv.txn.types.Write;

/**
 * A write record together with the timestamp it is keyed at (the commit timestamp; for a rollback, the start
 * timestamp). Immutable value.
 *
 * @param commitTs the timestamp in the write CF key
 * @param write the record
 */
public record WriteEntry(long commitTs, Write write) {
    @Override
    public String toString() {
        return "WriteEntry{commitTs=" + TimeStamp.toString(commitTs) + ", " + write + "}";
    }
}
