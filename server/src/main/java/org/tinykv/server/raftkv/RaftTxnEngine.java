package org.tinykv.server.raftkv;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.tinykv.lsm.Cf;
import org.tinykv.multiraft.peer.RegionSnapshot;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.server.storage.DbEngineIterator;
import org.tinykv.txn.engine.Engine;
import org.tinykv.txn.engine.EngineIterator;
import org.tinykv.txn.engine.EngineSnapshot;
import org.tinykv.txn.engine.LiveLocks;
import org.tinykv.txn.engine.Modify;
import org.tinykv.txn.engine.TxnCf;

/**
 * The transaction layer's {@link Engine} over a replicated store ({@link RaftKv}), in the region each request's
 * context names.
 *
 * <ul>
 *   <li>{@link #snapshot} is a Snap command on the region's leader (ReadIndex or lease, never the log); the
 *       {@link EngineSnapshot} reads the returned {@link RegionSnapshot}: iterators are bounded to the region, and
 *       a point read of a key outside the region throws KeyNotInRegion (as TiKV's region snapshot does) rather than
 *       answering "absent", so a misrouted read can never return a wrong result.</li>
 *   <li>{@link #write} is ONE raft command holding every modification in order (Put/Delete with the column
 *       family), applied atomically and answered after apply.</li>
 * </ul>
 *
 * <p>Errors: region errors of the store (and the command timeout, see {@link RaftKv}) are thrown as
 * {@link org.tinykv.txn.engine.RegionErrorException}, which the commands turn into {@code region_error}; engine I/O
 * failures as {@link UncheckedIOException}. Thread-safety: safe for concurrent use.
 */
public final class RaftTxnEngine implements Engine {

    private final RaftKv kv;
    private final LiveLocks liveLocks;

    /** The engine over {@code kv}, without an index of live locks (KvResolveLock scans the region's locks). */
    public RaftTxnEngine(final RaftKv kv) {
        this(kv, null);
    }

    /**
     * The engine over {@code kv} with {@code liveLocks}, which a {@link org.tinykv.server.storage.LiveLocksFeed}
     * on the store's kv engine keeps (null: none).
     */
    public RaftTxnEngine(final RaftKv kv, final LiveLocks liveLocks) {
        this.kv = kv;
        this.liveLocks = liveLocks;
    }

    @Override
    public LiveLocks liveLocks() {
        return liveLocks;
    }

    @Override
    public EngineSnapshot snapshot(final Context ctx) {
        return new RegionEngineSnapshot(kv.snapshot(ctx == null ? Context.getDefaultInstance() : ctx));
    }

    @Override
    public void write(final Context ctx, final List<Modify> batch) {
        if (batch.isEmpty()) {
            return;
        }
        final List<Request> requests = new ArrayList<>(batch.size());
        for (final Modify m : batch) {
            if (m instanceof Modify.Put put) {
                requests.add(RaftKv.putRequest(put.cf().cfName(), put.key(), put.value()));
            } else {
                requests.add(RaftKv.deleteRequest(m.cf().cfName(), m.key()));
            }
        }
        kv.write(ctx == null ? Context.getDefaultInstance() : ctx, requests);
    }

    /** The engine's column family holding {@code cf}. */
    static Cf cf(final TxnCf cf) {
        return switch (cf) {
            case DEFAULT -> Cf.DEFAULT;
            case LOCK -> Cf.LOCK;
            case WRITE -> Cf.WRITE;
        };
    }

    /** An engine snapshot over one region's snapshot; released on close. */
    private static final class RegionEngineSnapshot implements EngineSnapshot {
        private final RegionSnapshot snap;

        RegionEngineSnapshot(final RegionSnapshot snap) {
            this.snap = snap;
        }

        @Override
        public byte[] get(final TxnCf cf, final byte[] key) {
            RaftKv.checkKeyInRegion(key, snap);
            try {
                return snap.get(cf(cf), key);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean covers(final byte[] key) {
            return RegionChecks.checkKeyInRegion(key, snap.region()) == null;
        }

        @Override
        public EngineIterator iterator(final TxnCf cf, final byte[] lower, final byte[] upper) {
            return new DbEngineIterator(snap.newIterator(cf(cf), lower, upper));
        }

        @Override
        public void close() {
            snap.close();
        }
    }
}
