package org.tinykv.server.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.DbOptions;
import org.tinykv.lsm.DbStats;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.wal.fs.FileSystem;

/**
 * A store's data kept in one {@code lsm} engine at {@code <dataDir>/kv}, with the column families default, lock and
 * write; the process holds {@code <dataDir>/LOCK} for as long as the storage is open.
 *
 * <p>Durability: every write goes to the engine as one synced {@link WriteBatch}, so when {@link #put} or
 * {@link #delete} returns the change survives a crash of the process or the machine. Concurrent writers block on the
 * engine's group commit and so share one fsync.
 *
 * <p>As a {@link RawKv} it ignores the request context: one store holds the whole key space.
 *
 * <p>Thread-safety: safe for concurrent use. {@link #close()} must not race with other calls (callers stop their
 * RPC traffic first).
 */
public final class StandaloneStorage implements Closeable, RawKv {

    /** The name of the lock file in the data directory. */
    public static final String LOCK_FILE = "LOCK";
    /** The name of the engine's directory in the data directory. */
    public static final String KV_DIR = "kv";

    private static final Set<Cf> DATA_CFS = EnumSet.of(Cf.DEFAULT, Cf.LOCK, Cf.WRITE);

    private final Path dataDir;
    private final Closeable lock;
    private final Db db;

    private StandaloneStorage(final Path dataDir, final Closeable lock, final Db db) {
        this.dataDir = dataDir;
        this.lock = lock;
        this.db = db;
    }

    /**
     * Opens (creating if missing) the store in {@code dataDir}, recovering whatever the engine had synced.
     *
     * @throws DataDirLockedException if another server holds the directory
     * @throws IOException            if the engine cannot be opened (a corruption names its file and offset)
     */
    public static StandaloneStorage open(final FileSystem fs, final Path dataDir, final StandaloneOptions options)
        throws IOException {
        options.validate();
        fs.createDirectories(dataDir);
        final Closeable lock;
        try {
            lock = fs.lock(dataDir.resolve(LOCK_FILE));
        } catch (IOException e) {
            throw new DataDirLockedException(dataDir, e);
        }
        try {
            final Path kvDir = dataDir.resolve(KV_DIR);
            fs.createDirectories(kvDir);
            final Db db = Db.open(DbOptions.builder(fs, kvDir)
                .columnFamilies(DATA_CFS)
                .createIfMissing(true)
                .memtableBytes(options.memtableBytes())
                .blockCacheBytes(options.blockCacheBytes())
                .build());
            return new StandaloneStorage(dataDir, lock, db);
        } catch (IOException | RuntimeException e) {
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Maps a column family name from a request to the engine's CF. The empty name means default (as in TiKV's raw
     * API); raft and every other name are unknown to this store.
     *
     * @throws UnknownColumnFamilyException for any other name
     */
    public static Cf columnFamily(final String name) throws UnknownColumnFamilyException {
        if (name == null || name.isEmpty()) {
            return Cf.DEFAULT;
        }
        final Cf cf = Cf.fromName(name);
        if (cf == null || !DATA_CFS.contains(cf)) {
            throw new UnknownColumnFamilyException(name);
        }
        return cf;
    }

    /** The data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Returns the value of {@code key} in {@code cf}, or null if it is absent. */
    public byte[] get(final Cf cf, final byte[] key) throws IOException {
        return db.get(cf, key);
    }

    /** Sets {@code key} to {@code value} in {@code cf}; durable when this returns. */
    public void put(final Cf cf, final byte[] key, final byte[] value) throws IOException {
        final WriteBatch batch = new WriteBatch();
        batch.put(cf, key, value);
        db.write(batch, WriteOptions.SYNC);
    }

    /** Removes {@code key} from {@code cf} (absent keys are fine); durable when this returns. */
    public void delete(final Cf cf, final byte[] key) throws IOException {
        final WriteBatch batch = new WriteBatch();
        batch.delete(cf, key);
        db.write(batch, WriteOptions.SYNC);
    }

    /** Applies {@code batch} atomically across CFs; durable when this returns. */
    public void write(final WriteBatch batch) throws IOException {
        db.write(batch, WriteOptions.SYNC);
    }

    /**
     * Returns at most {@code limit} pairs of {@code cf} with key {@code >= startKey}, in increasing unsigned byte
     * order of keys, read from one consistent view of the engine.
     *
     * @param limit the maximum number of pairs; 0 gives an empty list
     */
    public List<KeyValue> scan(final Cf cf, final byte[] startKey, final long limit) throws IOException {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, got " + limit);
        }
        final List<KeyValue> out = new ArrayList<>((int) Math.min(limit, 1024));
        if (limit == 0) {
            return out;
        }
        try (DbIterator it = db.newIterator(ReadOptions.DEFAULT, cf)) {
            for (it.seek(startKey); it.valid() && out.size() < limit; it.next()) {
                out.add(new KeyValue(it.key(), it.value()));
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    /** {@link #get(Cf, byte[])}; the context is ignored. */
    @Override
    public byte[] get(final Context ctx, final Cf cf, final byte[] key) throws IOException {
        return get(cf, key);
    }

    /** {@link #put(Cf, byte[], byte[])}; the context is ignored. */
    @Override
    public void put(final Context ctx, final Cf cf, final byte[] key, final byte[] value) throws IOException {
        put(cf, key, value);
    }

    /** {@link #delete(Cf, byte[])}; the context is ignored. */
    @Override
    public void delete(final Context ctx, final Cf cf, final byte[] key) throws IOException {
        delete(cf, key);
    }

    /** {@link #scan(Cf, byte[], long)}; the context is ignored. */
    @Override
    public List<KeyValue> scan(final Context ctx, final Cf cf, final byte[] startKey, final long limit)
        throws IOException {
        return scan(cf, startKey, limit);
    }

    /** The engine itself, for the transactional engine over the same column families. */
    Db db() {
        return db;
    }

    /** The engine's counters for metrics. */
    public DbStats stats() {
        return db.stats();
    }

    /** Flushes and closes the engine, then releases the data directory's lock. */
    @Override
    public void close() throws IOException {
        try {
            db.close();
        } finally {
            lock.close();
        }
    }
}
