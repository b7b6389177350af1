package org.tinykv.tools.bench.lsm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.RocksObject;
import org.rocksdb.WriteOptions;

/**
 * {@link BenchEngine} over RocksDB through rocksdbjni: default column family, WAL on, LZ4 on every level,
 * block-based tables with {@link EngineSettings#blockBytes()} blocks and a full bloom filter, an LRU block cache,
 * and RocksDB's defaults for everything else (2 background jobs, level compaction).
 *
 * <p>Thread-safety: as {@link BenchEngine}.
 */
final class RocksDbEngine implements BenchEngine {

    static {
        RocksDB.loadLibrary();
    }

    private static final int LEVELS_SHOWN = 7;

    private final List<RocksObject> natives = new ArrayList<>();
    private final RocksDB db;
    private final WriteOptions noSync;
    private final WriteOptions sync;
    private final ReadOptions readOptions;

    private RocksDbEngine(final RocksDB db, final List<RocksObject> natives) {
        this.db = db;
        this.natives.addAll(natives);
        this.noSync = track(new WriteOptions().setSync(false).setDisableWAL(false));
        this.sync = track(new WriteOptions().setSync(true).setDisableWAL(false));
        this.readOptions = track(new ReadOptions());
    }

    /** Opens (creating if missing) a RocksDB in {@code dir} with {@code settings}. */
    static RocksDbEngine open(final Path dir, final EngineSettings settings) throws IOException {
        final List<RocksObject> natives = new ArrayList<>();
        try {
            final LRUCache cache = add(natives, new LRUCache(settings.blockCacheBytes()));
            final BloomFilter bloom = add(natives, new BloomFilter(settings.bloomBitsPerKey(), false));
            final BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockSize(settings.blockBytes())
                .setFilterPolicy(bloom)
                .setBlockCache(cache);
            final Options options = add(natives, new Options()
                .setCreateIfMissing(true)
                .setWriteBufferSize(settings.memtableBytes())
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(table));
            final RocksDB db = RocksDB.open(options, dir.toString());
            return new RocksDbEngine(db, natives);
        } catch (RocksDBException e) {
            closeAll(natives);
            throw new IOException("cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return EngineKind.ROCKSDB.label();
    }

    @Override
    public void put(final byte[] key, final byte[] value, final boolean synced) throws IOException {
        try {
            db.put(synced ? sync : noSync, key, value);
        } catch (RocksDBException e) {
            throw new IOException("RocksDB put failed: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(final byte[] key) throws IOException {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw new IOException("RocksDB get failed: " + e.getMessage(), e);
        }
    }

    @Override
    public Cursor newCursor() {
        return new RocksCursor(db.newIterator(readOptions));
    }

    @Override
    public String statsSummary() throws IOException {
        try {
            final StringBuilder line = new StringBuilder()
                .append("pending_compaction_mib=")
                .append(db.getLongProperty("rocksdb.estimate-pending-compaction-bytes") >> 20)
                .append(" immutable_memtables=").append(db.getLongProperty("rocksdb.num-immutable-mem-table"))
                .append(" files_per_level=");
            for (int level = 0; level < LEVELS_SHOWN; level++) {
                line.append(level == 0 ? "" : ",")
                    .append(db.getProperty("rocksdb.num-files-at-level" + level));
            }
            return line.toString();
        } catch (RocksDBException e) {
            throw new IOException("RocksDB property read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            throw new IOException("RocksDB WAL sync at close failed: " + e.getMessage(), e);
        } finally {
            db.close();
            closeAll(natives);
        }
    }

    private <T extends RocksObject> T track(final T object) {
        natives.add(object);
        return object;
    }

    private static <T extends RocksObject> T add(final List<RocksObject> list, final T object) {
        list.add(object);
        return object;
    }

    private static void closeAll(final List<RocksObject> list) {
        for (int i = list.size() - 1; i >= 0; i--) {
            list.get(i).close();
        }
        list.clear();
    }

    /** A {@link Cursor} over a {@link RocksIterator}; status errors surface as {@link IOException}. */
    private static final class RocksCursor implements Cursor {
        private final RocksIterator it;
        private byte[] keyBuf = new byte[64];
        private byte[] valueBuf = new byte[256];

        RocksCursor(final RocksIterator it) {
            this.it = it;
        }

        @Override
        public void seekToFirst() throws IOException {
            it.seekToFirst();
            check();
        }

        @Override
        public void seek(final byte[] target) throws IOException {
            it.seek(target);
            check();
        }

        @Override
        public boolean valid() {
            return it.isValid();
        }

        @Override
        public void next() throws IOException {
            it.next();
            check();
        }

        @Override
        public byte[] key() {
            return it.key();
        }

        @Override
        public byte[] value() {
            return it.value();
        }

        /** Copies through {@link RocksIterator#key(byte[])} and {@link RocksIterator#value(byte[])}. */
        @Override
        public int readEntry() {
            int k = it.key(keyBuf);
            if (k > keyBuf.length) {
                keyBuf = new byte[Math.max(k, 2 * keyBuf.length)];
                k = it.key(keyBuf);
            }
            int v = it.value(valueBuf);
            if (v > valueBuf.length) {
                valueBuf = new byte[Math.max(v, 2 * valueBuf.length)];
                v = it.value(valueBuf);
            }
            return k + v;
        }

        @Override
        public void close() {
            it.close();
        }

        private void check() throws IOException {
            if (!it.isValid()) {
                try {
                    it.status();
                } catch (RocksDBException e) {
                    throw new IOException("RocksDB iterator failed: " + e.getMessage(), e);
                }
            }
        }
    }
}
