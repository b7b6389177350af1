package org.tinykv.multiraft.peer;

import java.io.IOException;
import java.util.Arrays;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.lsm.Snapshot;
import org.tinykv.proto.metapb.Region;

/**
 * A consistent, read-only view of one region's data in the kv engine, taken when a Snap command was served.
 * Keys are the region's keys (without the engine's data prefix); iteration is confined to the region's range.
 *
 * <p>Thread-safety: safe; iterators are confined to one thread. Close it to release the engine snapshot.
 */
public final class RegionSnapshot implements AutoCloseable {
    private final Db kvDb;
    private final Snapshot snapshot;
    private final Region region;

    RegionSnapshot(final Db kvDb, final Snapshot snapshot, final Region region) {
        this.kvDb = kvDb;
        this.snapshot = snapshot;
        this.region = region;
    }

    /** The region meta as of the snapshot. */
    public Region region() {
        return region;
    }

    /** The value of {@code key} in {@code cf}, or null. Requires: key inside the region. */
    public byte[] get(final Cf cf, final byte[] key) throws IOException {
        return kvDb.get(ReadOptions.builder().snapshot(snapshot).build(), cf, Keys.dataKey(key));
    }

    /**
     * An iterator over {@code cf} limited to the intersection of the region and {@code [lower, upper)} (null =
     * the region's bound). Its keys are region keys.
     */
    public DbIterator newIterator(final Cf cf, final byte[] lower, final byte[] upper) {
        byte[] lo = region.getStartKey().toByteArray();
        if (lower != null && Arrays.compareUnsigned(lower, lo) > 0) {
            lo = lower;
        }
        byte[] hiData = Keys.dataEndKey(region.getEndKey().toByteArray());
        if (upper != null && Arrays.compareUnsigned(Keys.dataKey(upper), hiData) < 0) {
            hiData = Keys.dataKey(upper);
        }
        final ReadOptions ro = ReadOptions.builder().snapshot(snapshot).lowerBound(Keys.dataKey(lo))
                .upperBound(hiData).build();
        return new RegionIterator(kvDb.newIterator(ro, cf));
    }

    /** Releases the engine snapshot; idempotent. */
    @Override
    public void close() {
        snapshot.close();
    }

    /** Translates between region keys and data keys. */
    private static final class RegionIterator implements DbIterator {
        private final DbIterator inner;

        RegionIterator(final DbIterator inner) {
            this.inner = inner;
        }

        @Override
        public boolean valid() {
            return inner.valid();
        }

        @Override
        public void seekToFirst() {
            inner.seekToFirst();
        }

        @Override
        public void seekToLast() {
            inner.seekToLast();
        }

        @Override
        public void seek(final byte[] target) {
            inner.seek(Keys.dataKey(target));
        }

        @Override
        public void seekForPrev(final byte[] target) {
            inner.seekForPrev(Keys.dataKey(target));
        }

        @Override
        public void next() {
            inner.next();
        }

        @Override
        public void prev() {
            inner.prev();
        }

        @Override
        public byte[] key() {
            return Keys.originKey(inner.key());
        }

        @Override
        public byte[] value() {
            return inner.value();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
