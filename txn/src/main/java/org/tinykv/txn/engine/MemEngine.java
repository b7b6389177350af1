package org.tinykv.txn.engine;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicReference;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.kvrpcpb.Context;

/**
 * An in-memory {@link Engine} with real snapshot isolation, for tests of txn and of the server.
 *
 * <p>Every column family is a skip list of versioned entries {@code (key asc, seq desc)}; each {@link #write}
 * gets the next sequence number and is published only after all of its entries are in place, so a snapshot
 * (which remembers the last published sequence) sees whole batches or nothing. A write prunes the versions of
 * its keys that no open snapshot can see any more, so memory follows the live data plus what open snapshots pin
 * (close them). Thread-safe: writes and snapshot creation are serialized, reads never block. Ignores
 * {@code ctx} except that a region error injected with {@link #injectRegionError} is thrown once.
 */
public final class MemEngine implements Engine {
    private final Map<TxnCf, ConcurrentSkipListMap<VKey, Val>> cfs = new EnumMap<>(TxnCf.class);
    private final Object writeLock = new Object();
    private final AtomicReference<Error> injected = new AtomicReference<>();
    /** Open snapshots: sequence -> count. Guarded by {@link #writeLock}. */
    private final TreeMap<Long, Integer> openSnapshots = new TreeMap<>();
    private long lastSeq;
    /** The index of live locks, or null for an engine that makes its readers scan. */
    private final LiveLocks liveLocks;

    /** Creates an empty engine without an index of live locks. */
    public MemEngine() {
        this(null);
    }

    private MemEngine(LiveLocks liveLocks) {
        for (TxnCf cf : TxnCf.values()) {
            cfs.put(cf, new ConcurrentSkipListMap<>());
        }
        this.liveLocks = liveLocks;
    }

    /** Creates an empty engine that keeps a {@link LiveLocks} index, as the server's engines do. */
    public static MemEngine withLiveLocks() {
        return new MemEngine(new LiveLocks());
    }

    @Override
    public LiveLocks liveLocks() {
        return liveLocks;
    }

    /** Makes the next {@link #snapshot} or {@link #write} call throw a {@link RegionErrorException}. */
    public void injectRegionError(Error error) {
        injected.set(error);
    }

    private void throwInjected() {
        Error e = injected.getAndSet(null);
        if (e != null) {
            throw new RegionErrorException(e);
        }
    }

    @Override
    public EngineSnapshot snapshot(Context ctx) {
        throwInjected();
        synchronized (writeLock) {
            openSnapshots.merge(lastSeq, 1, Integer::sum);
            return new MemSnapshot(lastSeq);
        }
    }

    private void release(long seq) {
        synchronized (writeLock) {
            openSnapshots.computeIfPresent(seq, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    /** Number of stored versions (including deletion markers) of all keys: a test hook for pruning. */
    public int storedVersions() {
        int n = 0;
        for (ConcurrentSkipListMap<VKey, Val> m : cfs.values()) {
            n += m.size();
        }
        return n;
    }

    @Override
    public void write(Context ctx, List<Modify> batch) {
        throwInjected();
        if (batch.isEmpty()) {
            return;
        }
        synchronized (writeLock) {
            long seq = lastSeq + 1;
            for (Modify m : batch) {
                Val v = m instanceof Modify.Put p ? new Val(p.value().clone()) : Val.TOMBSTONE;
                cfs.get(m.cf()).put(new VKey(m.key().clone(), seq), v);
                if (liveLocks != null && m.cf() == TxnCf.LOCK) {
                    if (m instanceof Modify.Put p) {
                        liveLocks.put(m.key().clone(), p.value());
                    } else {
                        liveLocks.remove(m.key());
                    }
                }
            }
            lastSeq = seq;
            long oldestNeeded = openSnapshots.isEmpty() ? seq : Math.min(seq, openSnapshots.firstKey());
            for (Modify m : batch) {
                prune(cfs.get(m.cf()), m.key(), oldestNeeded);
            }
        }
    }

    /** Drops versions of {@code key} older than the newest one at or below {@code oldestNeeded}. */
    private static void prune(ConcurrentSkipListMap<VKey, Val> map, byte[] key, long oldestNeeded) {
        boolean keptOne = false;
        for (VKey v : map.subMap(new VKey(key, oldestNeeded), true, new VKey(key, Long.MIN_VALUE), true)
                .keySet()) {
            if (keptOne) {
                map.remove(v);
            }
            keptOne = true;
        }
    }

    /** All live entries of {@code cf} at the latest state, in key order (a test convenience). */
    public List<Map.Entry<byte[], byte[]>> entries(TxnCf cf) {
        List<Map.Entry<byte[], byte[]>> out = new ArrayList<>();
        try (EngineSnapshot snap = snapshot(Context.getDefaultInstance());
             EngineIterator it = snap.iterator(cf, null, null)) {
            for (it.seek(new byte[0]); it.valid(); it.next()) {
                out.add(new AbstractMap.SimpleImmutableEntry<>(it.key(), it.value()));
            }
        }
        return out;
    }

    /** A versioned key; orders by key ascending, then sequence descending. */
    private record VKey(byte[] key, long seq) implements Comparable<VKey> {
        @Override
        public int compareTo(VKey o) {
            int c = Arrays.compareUnsigned(key, o.key);
            return c != 0 ? c : Long.compare(o.seq, seq);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof VKey v && compareTo(v) == 0;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key) * 31 + Long.hashCode(seq);
        }
    }

    /** A stored value or a deletion marker. */
    private record Val(byte[] bytes) {
        static final Val TOMBSTONE = new Val(null);
    }

    private final class MemSnapshot implements EngineSnapshot {
        private final long seq;
        private boolean closed;

        MemSnapshot(long seq) {
            this.seq = seq;
        }

        @Override
        public byte[] get(TxnCf cf, byte[] key) {
            Map.Entry<VKey, Val> e = cfs.get(cf).ceilingEntry(new VKey(key, seq));
            if (e == null || !Arrays.equals(e.getKey().key(), key) || e.getValue().bytes() == null) {
                return null;
            }
            return e.getValue().bytes();
        }

        @Override
        public EngineIterator iterator(TxnCf cf, byte[] lower, byte[] upper) {
            return new MemIterator(cfs.get(cf), seq, lower, upper);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                release(seq);
            }
        }
    }

    private static final class MemIterator implements EngineIterator {
        private final ConcurrentSkipListMap<VKey, Val> map;
        private final long seq;
        private final byte[] lower;
        private final byte[] upper;
        private byte[] key;
        private byte[] value;

        MemIterator(ConcurrentSkipListMap<VKey, Val> map, long seq, byte[] lower, byte[] upper) {
            this.map = map;
            this.seq = seq;
            this.lower = lower == null ? null : lower.clone();
            this.upper = upper == null ? null : upper.clone();
        }

        @Override
        public void seek(byte[] target) {
            byte[] t = lower != null && Arrays.compareUnsigned(target, lower) < 0 ? lower : target;
            settle(map.ceilingEntry(new VKey(t, Long.MAX_VALUE)));
        }

        /** Positions at the first visible, live entry at or after {@code e}. */
        private void settle(Map.Entry<VKey, Val> start) {
            Map.Entry<VKey, Val> e = start;
            while (e != null) {
                byte[] k = e.getKey().key();
                if (upper != null && Arrays.compareUnsigned(k, upper) >= 0) {
                    break;
                }
                Map.Entry<VKey, Val> vis = map.ceilingEntry(new VKey(k, seq));
                if (vis != null && Arrays.equals(vis.getKey().key(), k) && vis.getValue().bytes() != null) {
                    key = k;
                    value = vis.getValue().bytes();
                    return;
                }
                e = map.higherEntry(new VKey(k, Long.MIN_VALUE));
            }
            key = null;
            value = null;
        }

        @Override
        public boolean valid() {
            return key != null;
        }

        @Override
        public void next() {
            if (key == null) {
                throw new IllegalStateException("iterator is not valid");
            }
            settle(map.higherEntry(new VKey(key, Long.MIN_VALUE)));
        }

        @Override
        public byte[] key() {
            if (key == null) {
                throw new IllegalStateException("iterator is not valid");
            }
            return key;
        }

        @Override
        public byte[] value() {
            if (key == null) {
                throw new IllegalStateException("iterator is not valid");
            }
            return value;
        }

        @Override
        public void close() {
        }
    }
}
