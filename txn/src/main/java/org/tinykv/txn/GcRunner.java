package org.tinykv.txn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.txn.action.Gc;
import org.tinykv.txn.engine.Engine;
import org.tinykv.txn.engine.EngineIterator;
import org.tinykv.txn.engine.EngineSnapshot;
import org.tinykv.txn.engine.TxnCf;
import org.tinykv.txn.latch.Latches;
import org.tinykv.txn.mvcc.MvccReader;
import org.tinykv.txn.mvcc.MvccTxn;
import org.tinykv.txn.types.MvccKey;

/**
 * A GC pass: walks the user keys of the write CF in batches; for each batch it takes the keys' latches and a
 * fresh snapshot, applies {@link Gc} to every key and writes the removals in one batch. Commands running at the
 * same time are never disturbed: they only touch versions above the safe point or hold the latches.
 * An interrupt stops the pass after the current batch (the thread's interrupt flag stays set); a
 * {@code RegionErrorException} from the engine propagates. Confined to the calling thread.
 */
final class GcRunner {
    static final int BATCH_KEYS = 256;

    private final Engine engine;
    private final Latches latches;

    GcRunner(Engine engine, Latches latches) {
        this.engine = engine;
        this.latches = latches;
    }

    GcResult run(Context ctx, long safePoint) {
        long scanned = 0;
        long removed = 0;
        byte[] resume = new byte[0];
        while (resume != null) {
            List<byte[]> keys = new ArrayList<>();
            resume = nextBatch(ctx, resume, keys);
            if (keys.isEmpty()) {
                break;
            }
            try {
                removed += TxnCommands.latched(latches, keys, () -> collect(ctx, keys, safePoint));
            } catch (TxnCommands.CommandInterrupted e) {
                break; // the interrupt flag is set again; report the work done so far
            }
            scanned += keys.size();
        }
        return new GcResult(scanned, removed);
    }

    private int collect(Context ctx, List<byte[]> keys, long safePoint) {
        try (EngineSnapshot snap = engine.snapshot(ctx); MvccReader reader = new MvccReader(snap)) {
            MvccTxn txn = new MvccTxn(0);
            int n = 0;
            for (byte[] key : keys) {
                n += Gc.apply(txn, reader, key, safePoint);
            }
            engine.write(ctx, txn.modifies());
            return n;
        }
    }

    /** Fills {@code out} with up to {@link #BATCH_KEYS} user keys from {@code from}; returns the resume key. */
    private byte[] nextBatch(Context ctx, byte[] from, List<byte[]> out) {
        try (EngineSnapshot snap = engine.snapshot(ctx);
             EngineIterator it = snap.iterator(TxnCf.WRITE, null, null)) {
            it.seek(from);
            byte[] lastPrefix = null;
            while (it.valid()) {
                byte[] prefix = MvccKey.encodedUserKey(it.key());
                if (lastPrefix == null || !Arrays.equals(prefix, lastPrefix)) {
                    if (out.size() == BATCH_KEYS) {
                        return prefix;
                    }
                    out.add(MvccKey.decodeUserKey(it.key()));
                    lastPrefix = prefix;
                    it.seek(MvccKey.encode(out.get(out.size() - 1), 0L));
                    if (it.valid() && Arrays.equals(MvccKey.encodedUserKey(it.key()), prefix)) {
                        it.next();
                    }
                    continue;
                }
                it.next();
            }
            return null;
        }
    }
}
