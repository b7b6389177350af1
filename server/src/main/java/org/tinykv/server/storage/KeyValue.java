package org.tinykv.server.storage;

import java.util.Objects;

/**
 * One key and its value, as returned by a scan. The arrays are owned by the receiver (never reused by storage).
 *
 * @param key   the key, never null
 * @param value the value, never null (may be empty)
 */
public record KeyValue(byte[] key, byte[] value) {

    /** Checks that neither array is null. */
    public KeyValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
    }
}
