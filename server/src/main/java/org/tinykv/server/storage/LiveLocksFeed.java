package org.tinykv.server.storage;

import java.io.IOException;
import java.util.Arrays;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.CfObserver;
import org.tinykv.lsm.Db;
import org.tinykv.txn.engine.LiveLocks;

/**
 * Feeds the lock CF of a kv engine into the transaction layer's {@link LiveLocks}: registered as the engine's
 * lock-CF observer, it sees every lock written, whichever path wrote it (transactional commands, raft apply on any
 * replica, snapshot ingestion, region destruction). Engine keys are the transaction layer's keys behind
 * {@code keyPrefix} (empty for a standalone store, {@code 'z'} for a replicated store's data keys); keys without
 * it are not locks and are ignored.
 *
 * <p>Thread-safety: as {@link CfObserver}.
 */
public final class LiveLocksFeed implements CfObserver {
    private final LiveLocks locks;
    private final byte[] keyPrefix;

    /** Feeds {@code locks} with the engine keys behind {@code keyPrefix}. */
    public LiveLocksFeed(final LiveLocks locks, final byte[] keyPrefix) {
        this.locks = locks;
        this.keyPrefix = keyPrefix.clone();
    }

    /**
     * Starts following the lock CF of {@code kv} (once per engine) and returns the index this keeps.
     *
     * @throws IOException if the lock CF cannot be read
     */
    public static LiveLocks follow(final Db kv, final byte[] keyPrefix) throws IOException {
        final LiveLocks locks = new LiveLocks();
        kv.observe(Cf.LOCK, new LiveLocksFeed(locks, keyPrefix));
        return locks;
    }

    @Override
    public void put(final byte[] key, final byte[] value) {
        if (hasPrefix(key)) {
            locks.put(strip(key), value);
        }
    }

    @Override
    public void delete(final byte[] key) {
        if (hasPrefix(key)) {
            locks.remove(strip(key));
        }
    }

    @Override
    public void deleteRange(final byte[] begin, final byte[] endExclusive) {
        final byte[] from;
        if (hasPrefix(begin)) {
            from = strip(begin);
        } else if (Arrays.compareUnsigned(begin, keyPrefix) < 0) {
            from = new byte[0];
        } else {
            return; // the whole range sorts after every prefixed key
        }
        final byte[] to;
        if (hasPrefix(endExclusive)) {
            to = strip(endExclusive);
        } else if (Arrays.compareUnsigned(endExclusive, keyPrefix) < 0) {
            return; // the whole range sorts before every prefixed key
        } else {
            to = null;
        }
        locks.removeRange(from, to);
    }

    private boolean hasPrefix(final byte[] key) {
        return key.length >= keyPrefix.length && Arrays.equals(key, 0, keyPrefix.length, keyPrefix, 0,
            keyPrefix.length);
    }

    private byte[] strip(final byte[] key) {
        return keyPrefix.length == 0 ? key : Arrays.copyOfRange(key, keyPrefix.length, key.length);
    }
}
