package org.tinykv.lsm.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReferenceArray;
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

    private static final int HINT_SLOTS = 1024;

    private final FileSystem fs;
    private final Path dir;
    private final BlockCache blockCache;
    private final Cache<Long, TableReader> cache;
    /**
     * Direct-mapped hints in front of {@link #cache} (no boxing, no allocation on a hit): a hinted reader is used
     * only if it is still open ({@link TableReader#retain()} fails once the cache has evicted and released it).
     */
    private final AtomicReferenceArray<TableReader> hints = new AtomicReferenceArray<>(HINT_SLOTS);

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
        final int slot = (int) (number & (HINT_SLOTS - 1));
        final TableReader hinted = hints.getAcquire(slot);
        if (hinted != null && hinted.fileNumber() == number && hinted.retain()) {
            return hinted;
        }
        while (true) {
            final TableReader t;
            try {
                t = cache.get(number, n -> {
                    try {
                        return TableReader.open(fs.openImmutable(FileNames.table(dir, n)), n, blockCache,
                            globalSeq);
                    } catch (final IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            } catch (final UncheckedIOException e) {
                throw e.getCause();
            }
            if (t.retain()) {
                hints.setRelease(slot, t);
                return t;
            }
            cache.asMap().remove(number, t);
        }
    }

    /** Forgets table {@code number} (deleted) and its cached blocks. */
    public void evict(final long number) {
        final int slot = (int) (number & (HINT_SLOTS - 1));
        final TableReader hinted = hints.get(slot);
        if (hinted != null && hinted.fileNumber() == number) {
            hints.compareAndSet(slot, hinted, null);
        }
        cache.invalidate(number);
        if (blockCache != null) {
            blockCache.evictFile(number);
        }
    }

    /** Closes every cached reader (readers in use close when released). */
    public void close() {
        for (int i = 0; i < HINT_SLOTS; i++) {
            hints.set(i, null);
        }
        cache.invalidateAll();
    }

    /** The shared block cache (may be null). */
    public BlockCache blockCache() {
        return blockCache;
    }
}
