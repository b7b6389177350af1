package org.tinykv.tools.bench.lsm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.DbOptions;
import org.tinykv.lsm.DbStats;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.lsm.sstable.Compression;
import org.tinykv.wal.fs.OsFileSystem;

/**
 * {@link BenchEngine} over TinyKV's own LSM engine, {@link Db}, on the real file system: column family
 * {@link Cf#DEFAULT} only, WAL on, LZ4 on every level, and the settings RocksDB uses by default where
 * {@link EngineSettings} says nothing (one immutable memtable as RocksDB's {@code max_write_buffer_number=2},
 * L0 triggers 4/20/36, 256 MiB level base, multiplier 10, 64 MiB target files).
 *
 * <p>Thread-safety: as {@link BenchEngine}.
 */
final class TinyKvEngine implements BenchEngine {

    private static final Cf CF = Cf.DEFAULT;

    private final Db db;

    private TinyKvEngine(final Db db) {
        this.db = db;
    }

    /** Opens (creating if missing) a TinyKV database in {@code dir} with {@code settings}. */
    static TinyKvEngine open(final Path dir, final EngineSettings settings) throws IOException {
        final DbOptions options = DbOptions.builder(new OsFileSystem(), dir)
            .columnFamilies(EnumSet.of(CF))
            .createIfMissing(true)
            .memtableBytes(settings.memtableBytes())
            .maxImmutableMemtables(1)
            .blockCacheBytes(settings.blockCacheBytes())
            .blockSize(settings.blockBytes())
            .bloomBitsPerKey(settings.bloomBitsPerKey())
            .compression(Compression.LZ4)
            .l0Triggers(4, 20, 36)
            .maxBytesForLevelBase(256L << 20)
            .levelMultiplier(10)
            .targetFileBytes(64L << 20)
            .build();
        return new TinyKvEngine(Db.open(options));
    }

    @Override
    public String name() {
        return EngineKind.TINYKV.label();
    }

    @Override
    public void put(final byte[] key, final byte[] value, final boolean sync) throws IOException {
        db.put(CF, key, value, sync ? WriteOptions.SYNC : WriteOptions.NO_SYNC);
    }

    @Override
    public byte[] get(final byte[] key) throws IOException {
        return db.get(CF, key);
    }

    @Override
    public Cursor newCursor() {
        return new TinyKvCursor(db.newIterator(ReadOptions.DEFAULT, CF));
    }

    @Override
    public String statsSummary() {
        final DbStats stats = db.stats();
        final long lookups = stats.blockCacheHits() + stats.blockCacheMisses();
        final StringBuilder line = new StringBuilder()
            .append("flushes=").append(stats.flushes())
            .append(" compactions=").append(stats.compactions())
            .append(" compaction_write_mib=").append(stats.compactionBytesWritten() >> 20)
            .append(" stalls=").append(stats.writeStalls())
            .append(" fsyncs=").append(stats.fsyncs())
            .append(String.format(Locale.ROOT, " batches_per_fsync=%.1f", stats.batchesPerFsync()))
            .append(String.format(Locale.ROOT, " cache_hit=%.3f",
                lookups == 0 ? 0.0 : stats.blockCacheHits() / (double) lookups))
            .append(" files_per_level=");
        final List<DbStats.LevelStats> levels = stats.levels().getOrDefault(CF, List.of());
        for (int i = 0; i < levels.size(); i++) {
            line.append(i == 0 ? "" : ",").append(levels.get(i).files());
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        db.close();
    }

    /** A {@link Cursor} over a {@link DbIterator}. */
    private static final class TinyKvCursor implements Cursor {
        private final DbIterator it;
        private byte[] keyBuf = new byte[64];
        private byte[] valueBuf = new byte[256];

        TinyKvCursor(final DbIterator it) {
            this.it = it;
        }

        @Override
        public void seekToFirst() {
            it.seekToFirst();
        }

        @Override
        public void seek(final byte[] target) {
            it.seek(target);
        }

        @Override
        public boolean valid() {
            return it.valid();
        }

        @Override
        public void next() {
            it.next();
        }

        @Override
        public byte[] key() {
            return it.key();
        }

        @Override
        public byte[] value() {
            return it.value();
        }

        /** Copies through {@link DbIterator#copyKeyTo} and {@link DbIterator#copyValueTo} into reused buffers. */
        @Override
        public int readEntry() {
            final int k = it.keyLength();
            if (k > keyBuf.length) {
                keyBuf = new byte[Math.max(k, 2 * keyBuf.length)];
            }
            final int v = it.valueLength();
            if (v > valueBuf.length) {
                valueBuf = new byte[Math.max(v, 2 * valueBuf.length)];
            }
            return it.copyKeyTo(keyBuf, 0) + it.copyValueTo(valueBuf, 0);
        }

        @Override
        public void close() {
            it.close();
        }
    }
}
