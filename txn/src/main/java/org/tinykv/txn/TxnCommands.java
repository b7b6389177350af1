package org.tinykv.txn;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.kvrpcpb.Action;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.BatchRollbackResponse;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusResponse;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.CommitResponse;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.KeyError;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockResponse;
import org.tinykv.proto.kvrpcpb.ScanRequest;
import org.tinykv.proto.kvrpcpb.ScanResponse;
import org.tinykv.txn.action.CheckTxnStatus;
import org.tinykv.txn.action.Commit;
import org.tinykv.txn.action.KeyFailure;
import org.tinykv.txn.action.Prewrite;
import org.tinykv.txn.action.ResolveLock;
import org.tinykv.txn.action.Rollback;
import org.tinykv.txn.action.TxnStatus;
import org.tinykv.txn.engine.Engine;
import org.tinykv.txn.engine.EngineSnapshot;
import org.tinykv.txn.engine.LiveLocks;
import org.tinykv.txn.engine.RegionErrorException;
import org.tinykv.txn.latch.Latches;
import org.tinykv.txn.mvcc.MvccReader;
import org.tinykv.txn.mvcc.MvccTxn;
import org.tinykv.txn.mvcc.PointGetter;
import org.tinykv.txn.mvcc.ReadResult;
import org.tinykv.txn.mvcc.Scanner;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.MvccDecodeException;
import org.tinykv.txn.types.TimeStamp;

/**
 * The transactional commands of TinyKV's {@code TinyKv} service, one method per RPC, with TinyKV's semantics and
 * error fields. Reads run on a snapshot without latches; every command that writes holds the latches of its keys
 * from its snapshot until its batch is written, so commands on the same keys run one at a time. A command that
 * fails writes nothing.
 *
 * <p>Errors: a {@link RegionErrorException} from the engine becomes {@code region_error}; malformed requests
 * (no mutations, a commit version not after the start version, an unsupported op, an empty key) get a key error
 * with {@code abort} set and change nothing. Thread-safe: call from any number of threads.
 */
public final class TxnCommands implements TxnApi {
    private final Engine engine;
    private final Latches latches;

    /** Commands over {@code engine}, serialized per key by {@code latches}. */
    public TxnCommands(Engine engine, Latches latches) {
        this.engine = engine;
        this.latches = latches;
    }

    /** KvGet: the value at {@code version}; a lock at or below it is reported in {@code error.locked}. */
    @Override
    public GetResponse get(GetRequest req) {
        GetResponse.Builder resp = GetResponse.newBuilder();
        try (EngineSnapshot snap = engine.snapshot(req.getContext()); MvccReader reader = new MvccReader(snap)) {
            byte[] key = req.getKey().toByteArray();
            ReadResult r = PointGetter.get(reader, key, req.getVersion());
            if (r instanceof ReadResult.Found f) {
                resp.setValue(UnsafeByteOperations.unsafeWrap(f.value()));
            } else if (r instanceof ReadResult.Locked l) {
                resp.setError(KeyErrors.locked(l.key(), l.lock()));
            } else {
                resp.setNotFound(true);
            }
        } catch (RegionErrorException e) {
            return GetResponse.newBuilder().setRegionError(e.error()).build();
        } catch (MvccDecodeException e) {
            return GetResponse.newBuilder().setError(KeyErrors.abort(e.getMessage())).build();
        }
        return resp.build();
    }

    /** KvScan: up to {@code limit} pairs from {@code start_key}; locked keys come back with {@code error.locked}. */
    @Override
    public ScanResponse scan(ScanRequest req) {
        ScanResponse.Builder resp = ScanResponse.newBuilder();
        int limit = (int) Math.min(Integer.MAX_VALUE, Integer.toUnsignedLong(req.getLimit()));
        try (EngineSnapshot snap = engine.snapshot(req.getContext()); MvccReader reader = new MvccReader(snap)) {
            for (Scanner.Item item : Scanner.scan(reader, req.getStartKey().toByteArray(), limit, req.getVersion())) {
                KvPair.Builder pair = KvPair.newBuilder().setKey(ByteString.copyFrom(item.key()));
                if (item.result() instanceof ReadResult.Found f) {
                    pair.setValue(ByteString.copyFrom(f.value()));
                } else if (item.result() instanceof ReadResult.Locked l) {
                    pair.setError(KeyErrors.locked(l.key(), l.lock()));
                }
                resp.addPairs(pair);
            }
        } catch (RegionErrorException e) {
            return ScanResponse.newBuilder().setRegionError(e.error()).build();
        } catch (MvccDecodeException e) {
            return ScanResponse.newBuilder().addPairs(KvPair.newBuilder().setKey(req.getStartKey())
                    .setError(KeyErrors.abort(e.getMessage()))).build();
        }
        return resp.build();
    }

    /** KvPrewrite: locks every key and stages its value, or changes nothing and reports every failing key. */
    @Override
    public PrewriteResponse prewrite(PrewriteRequest req) {
        String bad = validatePrewrite(req);
        if (bad != null) {
            return PrewriteResponse.newBuilder().addErrors(KeyErrors.abort(bad)).build();
        }
        List<Mutation> mutations = req.getMutationsList();
        List<byte[]> keys = new ArrayList<>(mutations.size());
        for (Mutation m : mutations) {
            keys.add(m.getKey().toByteArray());
        }
        byte[] primary = req.getPrimaryLock().toByteArray();
        try {
            return latched(keys, () -> {
                try (EngineSnapshot snap = engine.snapshot(req.getContext());
                     MvccReader reader = new MvccReader(snap)) {
                    MvccTxn txn = new MvccTxn(req.getStartVersion());
                    List<KeyError> errors = null;
                    for (int i = 0; i < mutations.size(); i++) {
                        Mutation m = mutations.get(i);
                        Optional<KeyFailure> f = Prewrite.apply(txn, reader, lockKind(m), keys.get(i),
                                m.getValue().toByteArray(), primary, req.getLockTtl());
                        if (f.isPresent()) {
                            errors = errors == null ? new ArrayList<>() : errors;
                            errors.add(KeyErrors.of(f.get()));
                        }
                    }
                    if (errors != null) {
                        return PrewriteResponse.newBuilder().addAllErrors(errors).build();
                    }
                    engine.write(req.getContext(), txn.modifies());
                    return PrewriteResponse.getDefaultInstance();
                }
            });
        } catch (RegionErrorException e) {
            return PrewriteResponse.newBuilder().setRegionError(e.error()).build();
        } catch (MvccDecodeException | CommandInterrupted e) {
            return PrewriteResponse.newBuilder().addErrors(KeyErrors.abort(e.getMessage())).build();
        }
    }

    /** KvCommit: commits every key at {@code commit_version} (idempotent), or changes nothing on any failure. */
    @Override
    public CommitResponse commit(CommitRequest req) {
        if (TimeStamp.compare(req.getCommitVersion(), req.getStartVersion()) <= 0) {
            return CommitResponse.newBuilder().setError(KeyErrors.abort("commit_version "
                    + TimeStamp.toString(req.getCommitVersion()) + " must be greater than start_version "
                    + TimeStamp.toString(req.getStartVersion()))).build();
        }
        List<byte[]> keys = distinct(req.getKeysList());
        try {
            KeyError err = runPerKey(req.getContext(), req.getStartVersion(), keys,
                    (txn, reader, key) -> Commit.apply(txn, reader, key, req.getCommitVersion()));
            return err == null ? CommitResponse.getDefaultInstance()
                    : CommitResponse.newBuilder().setError(err).build();
        } catch (RegionErrorException e) {
            return CommitResponse.newBuilder().setRegionError(e.error()).build();
        }
    }

    /** KvBatchRollback: rolls back every key (idempotent); refuses if any key is committed. */
    @Override
    public BatchRollbackResponse batchRollback(BatchRollbackRequest req) {
        List<byte[]> keys = distinct(req.getKeysList());
        try {
            KeyError err = runPerKey(req.getContext(), req.getStartVersion(), keys, Rollback::apply);
            return err == null ? BatchRollbackResponse.getDefaultInstance()
                    : BatchRollbackResponse.newBuilder().setError(err).build();
        } catch (RegionErrorException e) {
            return BatchRollbackResponse.newBuilder().setRegionError(e.error()).build();
        }
    }

    /** KvCheckTxnStatus: the status of transaction {@code lock_ts} at its primary key, as of {@code current_ts}. */
    @Override
    public CheckTxnStatusResponse checkTxnStatus(CheckTxnStatusRequest req) {
        byte[] primary = req.getPrimaryKey().toByteArray();
        try {
            return latched(List.of(primary), () -> {
                try (EngineSnapshot snap = engine.snapshot(req.getContext());
                     MvccReader reader = new MvccReader(snap)) {
                    MvccTxn txn = new MvccTxn(req.getLockTs());
                    TxnStatus st = CheckTxnStatus.apply(txn, reader, primary, req.getCurrentTs());
                    engine.write(req.getContext(), txn.modifies());
                    return CheckTxnStatusResponse.newBuilder().setLockTtl(st.lockTtl())
                            .setCommitVersion(st.commitTs()).setAction(action(st.action())).build();
                }
            });
        } catch (RegionErrorException e) {
            return CheckTxnStatusResponse.newBuilder().setRegionError(e.error()).build();
        } catch (MvccDecodeException | CommandInterrupted e) {
            // The response has no key error field: report a message-only region error, which clients retry.
            return CheckTxnStatusResponse.newBuilder()
                    .setRegionError(Error.newBuilder().setMessage(e.getMessage())).build();
        }
    }

    /** KvResolveLock: commits ({@code commit_version > 0}) or rolls back every lock of {@code start_version}. */
    @Override
    public ResolveLockResponse resolveLock(ResolveLockRequest req) {
        long start = req.getStartVersion();
        long commitTs = req.getCommitVersion();
        if (commitTs != 0 && TimeStamp.compare(commitTs, start) <= 0) {
            return ResolveLockResponse.newBuilder().setError(KeyErrors.abort("commit_version "
                    + TimeStamp.toString(commitTs) + " must be 0 or greater than start_version "
                    + TimeStamp.toString(start))).build();
        }
        try {
            List<byte[]> keys = new ArrayList<>();
            try (EngineSnapshot snap = engine.snapshot(req.getContext()); MvccReader reader = new MvccReader(snap)) {
                LiveLocks live = engine.liveLocks();
                List<MvccReader.KeyLock> locks = live == null ? reader.scanLocks(start)
                        : reader.locksAmong(start, live.keysOf(start));
                locks.forEach(kl -> keys.add(kl.key()));
            }
            KeyError err = runPerKey(req.getContext(), start, keys,
                    (txn, reader, key) -> ResolveLock.apply(txn, reader, key, commitTs));
            return err == null ? ResolveLockResponse.getDefaultInstance()
                    : ResolveLockResponse.newBuilder().setError(err).build();
        } catch (RegionErrorException e) {
            return ResolveLockResponse.newBuilder().setRegionError(e.error()).build();
        } catch (MvccDecodeException e) {
            return ResolveLockResponse.newBuilder().setError(KeyErrors.abort(e.getMessage())).build();
        }
    }

    /**
     * Removes versions that no reader at or after {@code safePoint} can see, over the region named by
     * {@code ctx}, in batches of user keys. Safe to run while commands are served. If the thread is interrupted
     * the pass stops early and reports what it did.
     *
     * @throws RegionErrorException if the engine cannot serve the region
     */
    public GcResult gc(Context ctx, long safePoint) {
        return new GcRunner(engine, latches).run(ctx, safePoint);
    }

    /** One action applied to one key. */
    @FunctionalInterface
    interface KeyAction {
        Optional<KeyFailure> apply(MvccTxn txn, MvccReader reader, byte[] key);
    }

    /** Applies {@code action} to every key under latches; writes only if no key failed. */
    private KeyError runPerKey(Context ctx, long startTs, List<byte[]> keys, KeyAction action) {
        if (keys.isEmpty()) {
            return null;
        }
        try {
            return latched(keys, () -> {
                try (EngineSnapshot snap = engine.snapshot(ctx); MvccReader reader = new MvccReader(snap)) {
                    MvccTxn txn = new MvccTxn(startTs);
                    for (byte[] key : keys) {
                        Optional<KeyFailure> f = action.apply(txn, reader, key);
                        if (f.isPresent()) {
                            return KeyErrors.of(f.get());
                        }
                    }
                    engine.write(ctx, txn.modifies());
                    return null;
                }
            });
        } catch (MvccDecodeException | CommandInterrupted e) {
            return KeyErrors.abort(e.getMessage());
        }
    }

    /** Work run while holding latches. */
    @FunctionalInterface
    interface LatchedWork<T> {
        T run();
    }

    /** Latch acquisition was interrupted; the command did nothing. */
    static final class CommandInterrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommandInterrupted() {
            super("interrupted while waiting for key latches");
        }
    }

    private <T> T latched(List<byte[]> keys, LatchedWork<T> work) {
        return latched(latches, keys, work);
    }

    /** Runs {@code work} holding the latches of {@code keys}; {@link CommandInterrupted} if interrupted. */
    static <T> T latched(Latches latches, List<byte[]> keys, LatchedWork<T> work) {
        Latches.Guard guard;
        try {
            guard = latches.acquire(keys);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandInterrupted();
        }
        try (guard) {
            return work.run();
        }
    }

    private static String validatePrewrite(PrewriteRequest req) {
        if (req.getMutationsCount() == 0) {
            return "prewrite has no mutations";
        }
        if (req.getStartVersion() == 0) {
            return "prewrite start_version must be set";
        }
        if (req.getPrimaryLock().isEmpty()) {
            return "prewrite primary_lock must be set";
        }
        for (Mutation m : req.getMutationsList()) {
            if (m.getKey().isEmpty()) {
                return "prewrite mutation has an empty key";
            }
            switch (m.getOp()) {
                case Put, Del, Lock -> {
                }
                default -> {
                    return "unsupported mutation op " + m.getOp() + " for key " + m.getKey();
                }
            }
        }
        return null;
    }

    private static LockKind lockKind(Mutation m) {
        return switch (m.getOp()) {
            case Put -> LockKind.PUT;
            case Del -> LockKind.DELETE;
            case Lock -> LockKind.LOCK;
            default -> throw new IllegalStateException("unvalidated op " + m.getOp());
        };
    }

    private static Action action(TxnStatus.Action a) {
        return switch (a) {
            case NO_ACTION -> Action.NoAction;
            case TTL_EXPIRE_ROLLBACK -> Action.TTLExpireRollback;
            case LOCK_NOT_EXIST_ROLLBACK -> Action.LockNotExistRollback;
        };
    }

    private static List<byte[]> distinct(List<ByteString> keys) {
        if (keys.size() == 1) {
            return List.of(keys.get(0).toByteArray());
        }
        Map<ByteString, byte[]> seen = new LinkedHashMap<>();
        for (ByteString k : keys) {
            seen.putIfAbsent(k, k.toByteArray());
        }
        return new ArrayList<>(seen.values());
    }
}
