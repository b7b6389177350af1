package org.tinykv.scheduler.meta;

import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * A small, durable, ordered key-value map holding the scheduler's metadata (see docs/formats/scheduler-meta.md).
 *
 * <p>Contract: {@link #write(MetaBatch)} is atomic (all or none of the batch survives a crash) and durable when it
 * returns (the write is synced). Keys are compared as unsigned bytes. Implementations are thread-safe.
 */
public interface MetaStore extends AutoCloseable {

    /** Returns the value of {@code key}, or null if absent. */
    byte[] get(byte[] key) throws IOException;

    /** Applies every operation of {@code batch} atomically and durably. */
    void write(MetaBatch batch) throws IOException;

    /** Calls {@code visitor} with every entry whose key starts with {@code prefix}, in key order. */
    void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) throws IOException;

    /** Puts one key durably. */
    default void put(byte[] key, byte[] value) throws IOException {
        write(new MetaBatch().put(key, value));
    }

    /** Deletes one key durably; absent keys are ignored. */
    default void delete(byte[] key) throws IOException {
        write(new MetaBatch().delete(key));
    }

    @Override
    void close() throws IOException;
}
