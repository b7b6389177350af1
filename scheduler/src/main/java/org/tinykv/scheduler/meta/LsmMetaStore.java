package org.tinykv.scheduler.meta;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.BiConsumer;

import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.DbOptions;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.wal.fs.FileSystem;

/**
 * A {@link MetaStore} over the scheduler's own lsm instance: column family DEFAULT only, small memtable, every
 * write a synced {@link WriteBatch}. Checksums of the WAL and SST files are verified by the engine, which reports
 * damage as a CorruptionException. Thread-safe (the Db is).
 */
public final class LsmMetaStore implements MetaStore {

    private final Db db;

    private LsmMetaStore(Db db) {
        this.db = db;
    }

    /** Opens (creating if missing) the store in {@code dir}. */
    public static LsmMetaStore open(FileSystem fs, Path dir) throws IOException {
        DbOptions options = DbOptions.builder(fs, dir).columnFamilies(Set.of(Cf.DEFAULT)).createIfMissing(true)
                .memtableBytes(4L << 20).blockCacheBytes(8L << 20).build();
        return new LsmMetaStore(Db.open(options));
    }

    @Override
    public byte[] get(byte[] key) throws IOException {
        return db.get(Cf.DEFAULT, key);
    }

    @Override
    public void write(MetaBatch batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        WriteBatch wb = new WriteBatch();
        for (MetaBatch.Op op : batch.ops()) {
            if (op.isDelete()) {
                wb.delete(Cf.DEFAULT, op.key());
            } else {
                wb.put(Cf.DEFAULT, op.key(), op.value());
            }
        }
        db.write(wb, WriteOptions.SYNC);
    }

    @Override
    public void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) throws IOException {
        ReadOptions ro = ReadOptions.builder().lowerBound(prefix).verifyChecksums(true).build();
        try (DbIterator it = db.newIterator(ro, Cf.DEFAULT)) {
            for (it.seek(prefix); it.valid(); it.next()) {
                byte[] k = it.key();
                if (!MetaKeys.hasPrefix(k, prefix)) {
                    break;
                }
                visitor.accept(k, it.value());
            }
        }
    }

    @Override
    public void close() throws IOException {
        db.close();
    }
}
