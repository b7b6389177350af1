package org.tinykv.tools.bench.lsm;

import java.io.IOException;

/**
 * The operations a benchmark workload performs on one key-value engine, in one column family / default CF.
 *
 * <p>Thread-safety: {@link #put}, {@link #get} and {@link #newCursor} may be called from many threads at once;
 * a {@link Cursor} is confined to the thread that created it. Arrays passed in are not retained by the caller
 * afterwards, and arrays returned are owned by the caller.
 */
interface BenchEngine extends AutoCloseable {

    /** The engine's name as printed in RESULT lines ({@code tinykv}, {@code rocksdb}). */
    String name();

    /** Writes {@code key -> value}; when {@code sync} the write is durable (fsynced WAL) when this returns. */
    void put(byte[] key, byte[] value, boolean sync) throws IOException;

    /** Returns the value of {@code key}, or {@code null} if absent. */
    byte[] get(byte[] key) throws IOException;

    /** Opens an iterator over the whole key space, initially unpositioned. */
    Cursor newCursor() throws IOException;

    /**
     * A one-line summary of the engine's internal counters since it was opened (flushes, compactions, stalls,
     * files per level, ...), as {@code key=value} pairs, for commentary next to the RESULT lines.
     */
    String statsSummary() throws IOException;

    /** Releases the engine and waits for its background work to stop. */
    @Override
    void close() throws IOException;

    /** A forward iterator over one engine, confined to one thread. */
    interface Cursor extends AutoCloseable {

        /** Positions at the first key. */
        void seekToFirst() throws IOException;

        /** Positions at the first key {@code >= target}. */
        void seek(byte[] target) throws IOException;

        /** Whether the cursor is positioned at an entry. */
        boolean valid();

        /** Moves to the next entry; requires {@link #valid()}. */
        void next() throws IOException;

        /** The current key; requires {@link #valid()}. */
        byte[] key();

        /** The current value; requires {@link #valid()}. */
        byte[] value();

        /**
         * Reads the current entry the way a caller that keeps no copy of it does, through the engine's cheapest
         * accessors: the key and the value are copied into buffers the cursor reuses (no allocation per entry).
         * Returns key length + value length. Requires {@link #valid()}. The default falls back to {@link #key()}
         * and {@link #value()}.
         */
        default int readEntry() {
            return key().length + value().length;
        }

        @Override
        void close();
    }
}
