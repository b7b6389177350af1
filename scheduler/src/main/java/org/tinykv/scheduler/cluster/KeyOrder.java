package org.tinykv.scheduler.cluster;

import java.util.Comparator;

import com.google.protobuf.ByteString;

/** Unsigned lexicographic order of keys (the order of Arrays.compareUnsigned). Stateless. */
public final class KeyOrder {

    /** The comparator; "" sorts first. */
    public static final Comparator<ByteString> COMPARATOR = ByteString.unsignedLexicographicalComparator();

    private KeyOrder() {
    }

    /** Compares two keys as unsigned bytes. */
    public static int compare(ByteString a, ByteString b) {
        return COMPARATOR.compare(a, b);
    }
}
