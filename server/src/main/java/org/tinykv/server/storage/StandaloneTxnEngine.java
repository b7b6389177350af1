package org.tinykv.server.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.lsm.Snapshot;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.txn.engine.Engine;
import org.tinykv.txn.engine.EngineIterator;
import org.tinykv.txn.engine.EngineSnapshot;
import org.tinykv.txn.engine.LiveLocks;
import org.tinykv.txn.engine.Modify;
import org.tinykv.txn.engine.TxnCf;

/**
 * The transaction layer's {@link Engine} over a standalone store's {@code lsm} engine: one store, one key space, so
 * the request context is not consulted. A snapshot is an engine {@link Snapshot}; a write is one synced
 * {@link WriteBatch}, so a command's modifications are atomic and durable when it answers, and concurrent commands
 * share fsyncs through the engine's group commit.
 *
 * <p>Engine I/O failures surface as {@link UncheckedIOException}, which the gRPC layer reports as an internal error
 * of that one request. Thread-safety: safe for concurrent use.
 */
public final class StandaloneTxnEngine implements Engine {

    private final Db db;
    private final LiveLocks liveLocks;

    /**
     * Creates the engine over {@code storage}, which must stay open while the engine is used; the engine follows
     * its lock CF from now on (one engine per storage).
     *
     * @throws IOException if the lock CF cannot be read
     */
    public StandaloneTxnEngine(final StandaloneStorage storage) throws IOException {
        this.db = storage.db();
        this.liveLocks = LiveLocksFeed.follow(db, new byte[0]);
    }

    @Override
    public LiveLocks liveLocks() {
        return liveLocks;
    }

    @Override
    public EngineSnapshot snapshot(final Context ctx) {
        return new LsmSnapshot(db, db.getSnapshot());
    }

    @Override
    public void write(final Context ctx, final List<Modify> modifies) {
        if (modifies.isEmpty()) {
            return;
        }
        final WriteBatch batch = new WriteBatch();
        for (final Modify modify : modifies) {
            if (modify instanceof Modify.Put put) {
                batch.put(cf(put.cf()), put.key(), put.value());
            } else {
                batch.delete(cf(modify.cf()), modify.key());
            }
        }
        try {
            db.write(batch, WriteOptions.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lsm column family holding {@code cf}: the same names, so raw and transactional data share them. */
    static Cf cf(final TxnCf cf) {
        return switch (cf) {
            case DEFAULT -> Cf.DEFAULT;
            case LOCK -> Cf.LOCK;
            case WRITE -> Cf.WRITE;
        };
    }

    /** A consistent view pinned by an engine snapshot; released on close. */
    private static final class LsmSnapshot implements EngineSnapshot {
        private final Db db;
        private final Snapshot snapshot;
        private final ReadOptions readOptions;

        LsmSnapshot(final Db db, final Snapshot snapshot) {
            this.db = db;
            this.snapshot = snapshot;
            this.readOptions = ReadOptions.builder().snapshot(snapshot).build();
        }

        @Override
        public byte[] get(final TxnCf cf, final byte[] key) {
            try {
                return db.get(readOptions, cf(cf), key);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public EngineIterator iterator(final TxnCf cf, final byte[] lower, final byte[] upper) {
            if (lower == null && upper == null) {
                return new DbEngineIterator(db.newIterator(readOptions, cf(cf)));
            }
            final ReadOptions.Builder options = ReadOptions.builder().snapshot(snapshot);
            if (lower != null) {
                options.lowerBound(lower);
            }
            if (upper != null) {
                options.upperBound(upper);
            }
            return new DbEngineIterator(db.newIterator(options.build(), cf(cf)));
        }

        @Override
        public void close() {
            snapshot.close();
        }
    }
}
