package org.tinykv.scheduler.meta;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An ordered list of puts and deletes applied atomically by {@link MetaStore#write(MetaBatch)}.
 * Not thread-safe; the caller must not mutate the arrays after adding them.
 */
public final class MetaBatch {

    /** One operation: a put when {@code value} is non-null, a delete otherwise. */
    public record Op(byte[] key, byte[] value) {
        /** Returns whether this operation deletes its key. */
        public boolean isDelete() {
            return value == null;
        }
    }

    private final List<Op> ops = new ArrayList<>();

    /** Adds a put of {@code key} = {@code value}. */
    public MetaBatch put(byte[] key, byte[] value) {
        if (key == null || value == null) {
            throw new IllegalArgumentException("null key or value");
        }
        ops.add(new Op(key, value));
        return this;
    }

    /** Adds a delete of {@code key}. */
    public MetaBatch delete(byte[] key) {
        if (key == null) {
            throw new IllegalArgumentException("null key");
        }
        ops.add(new Op(key, null));
        return this;
    }

    /** Returns the operations in insertion order. */
    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    /** Returns whether the batch has no operation. */
    public boolean isEmpty() {
        return ops.isEmpty();
    }
}
