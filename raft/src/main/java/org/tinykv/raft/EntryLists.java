package org.tinykv.raft;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.tinykv.proto.eraftpb.Entry;

/** Helpers over lists of entries. Stateless. */
public final class EntryLists {
    /** Size limit meaning "no limit". */
    public static final long NO_LIMIT = Long.MAX_VALUE;

    private EntryLists() {
    }

    /**
     * The longest prefix of {@code ents} whose total serialized size does not exceed {@code maxSize}, but at
     * least one entry. Returns a view (or the list itself).
     */
    public static List<Entry> limitSize(List<Entry> ents, long maxSize) {
        int n = ents.size();
        if (n <= 1 || maxSize == NO_LIMIT) {
            return ents;
        }
        long size = ents.get(0).getSerializedSize();
        int i = 1;
        for (; i < n; i++) {
            size += ents.get(i).getSerializedSize();
            if (size > maxSize) {
                break;
            }
        }
        return i == n ? ents : ents.subList(0, i);
    }

    /**
     * An unmodifiable copy of {@code ents} made with a single array copy ({@code List.copyOf} of a view copies
     * twice).
     */
    public static List<Entry> copyOf(List<Entry> ents) {
        int n = ents.size();
        if (n == 0) {
            return List.of();
        }
        return Collections.unmodifiableList(Arrays.asList(ents.toArray(new Entry[n])));
    }

    /** Total serialized size of {@code ents}. */
    public static long sizeOf(List<Entry> ents) {
        long size = 0;
        for (int i = 0, n = ents.size(); i < n; i++) {
            size += ents.get(i).getSerializedSize();
        }
        return size;
    }
}
