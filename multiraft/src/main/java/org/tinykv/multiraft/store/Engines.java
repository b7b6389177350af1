package org.tinykv.multiraft.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.DbOptions;
import org.tinykv.lsm.sstable.Compression;
import org.tinykv.wal.fs.FileSystem;

/**
 * The two engines of a store: {@code <dir>/kv} (CFs default, lock, write and raft for meta) and
 * {@code <dir>/raft} (CF raft: the raft logs and states, synced writes, no compression).
 *
 * @param kv   the kv engine
 * @param raft the raft engine
 */
public record Engines(Db kv, Db raft) implements AutoCloseable {

    /** Opens (creating if missing) both engines under {@code dir}. */
    public static Engines open(final FileSystem fs, final Path dir, final StoreConfig cfg) throws IOException {
        fs.createDirectories(dir);
        final Db kv = Db.open(DbOptions.builder(fs, dir.resolve("kv"))
                .columnFamilies(EnumSet.of(Cf.DEFAULT, Cf.LOCK, Cf.WRITE, Cf.RAFT))
                .memtableBytes(cfg.kvMemtableBytes()).build());
        try {
            final Db raft = Db.open(DbOptions.builder(fs, dir.resolve("raft")).columnFamilies(EnumSet.of(Cf.RAFT))
                    .memtableBytes(cfg.raftMemtableBytes()).compression(Compression.NONE).build());
            return new Engines(kv, raft);
        } catch (final IOException | RuntimeException e) {
            kv.close();
            throw e;
        }
    }

    /** Closes both engines. */
    @Override
    public void close() throws IOException {
        try {
            raft.close();
        } finally {
            kv.close();
        }
    }
}
