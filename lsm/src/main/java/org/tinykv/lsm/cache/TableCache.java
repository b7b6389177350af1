package org.tinykv.lsm.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.tinykv.lsm.sstable.TableReader;
import org.tinykv.lsm.version.FileNames;
import org.tinykv.wal.fs.FileSystem;

/**
 * A bounded cache of open {@link TableReader}s keyed by file number. {@link #acquire} returns a retained reader the
 * caller must {@link TableReader#release()}; eviction only drops the cache's reference, so a reader in use stays
 * open until its last user releases it.
 *
 * <p>Thread-safety: safe.
 */
public final class TableCache {

    private final FileSystem fs;
    private final Path dir;
    private final BlockCache blockCache;
    private final Cache<Long, TableReader> cache;

    /** Creates a cache of at most {@code maxOpenFiles} readers over tables in {@code dir}. */
    public TableCache(final FileSystem fs, final Path dir, final BlockCache blockCache, final int maxOpenFiles) {
        this.fs = fs;
        this.dir = dir;
        this.blockCache = blockCache;
        this.cache = Caffeine.newBuilder()
            .maximumSize(maxOpenFiles)
            .executor(Runnable::run)
            .removalListener((Long k, TableReader t, RemovalCause c) -> {
                if (t != null) {
                    try {
                        t.release();
                    } catch (final IOException e) {
                        // closing a read-only file cannot lose data; nothing to report to a reader
                    }
                }
            })
            .build();
    }

    /**
     * Returns a retained reader for table {@code number}.
     *
     * @param globalSeq the file's global sequence number, or -1
     */
    public TableReader acquire(final long number, final long globalSeq) throws IOException {
        while (true) {
            final TableReader t;
            try {
                t = cache.get(number, n -> {
                    try {
                        return TableReader.open(fs.openRandomAccess(FileNames.table(dir, n)), n, blockCache,
                            globalSeq);
                    } catch (final IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (final UncheckedIOException e) {
                throw e.getCause();
            }
            if (t.retain()) {
                return t;
            }
            cache.asMap().remove(number, t);
        }
    }

    /** Forgets table {@code number} (deleted) and its cached blocks. */
    public void evict(final long number) {
        cache.invalidate(number);
        if (blockCache != null) {
            blockCache.evictFile(number);
        }
    }

    /** Closes every cached reader (readers in use close when released). */
    public void close() {
        cache.invalidateAll();
    }

    /** The shared block cache (may be null). */
    public BlockCache blockCache() {
        return blockCache;
    }
}
