package org.tinykv.multiraft.operation.split;

import java.util.Arrays;

/**
 * Turns a stored key (the region-space key of a data key, without the engine's 'z' prefix) into a split
 * boundary that does not cut one user key's versions apart. Returns null if the key gives no boundary.
 */
@FunctionalInterface
public interface SplitKeyPolicy {

    /** The boundary for {@code key}, or null. */
    byte[] boundary(byte[] key);

    /**
     * The default: if {@code key} starts with a memcomparable EncodeBytes group sequence (9-byte groups whose
     * marker byte is 0xFF for full groups and below 0xFF for the last one), the key truncated after that last
     * group, i.e. EncodeBytes(userKey) without the timestamp suffix of MVCC keys; otherwise the key itself (raw
     * keys have no versions to keep together).
     */
    static SplitKeyPolicy encodedUserKey() {
        return key -> {
            int off = 0;
            while (off + 9 <= key.length) {
                final int marker = key[off + 8] & 0xFF;
                off += 9;
                if (marker != 0xFF) {
                    final int pad = 0xFF - marker;
                    return pad <= 8 ? Arrays.copyOf(key, off) : key.clone();
                }
            }
            return key.clone();
        };
    }
}
