package org.tinykv.lsm;

import java.util.concurrent.atomic.AtomicInteger;
import org.tinykv.lsm.memtable.Memtable;
import org.tinykv.lsm.version.Version;
import org.tinykv.lsm.version.VersionSet;

/**
 * An immutable snapshot of what a read needs: the active memtables, the immutable ones (newest first) and the
 * table {@link Version}. The Db publishes a new one through a volatile field whenever any of them changes (memtable
 * switch, flush, compaction, ingestion), under its mutex; readers take it without locking.
 *
 * <p>Lifetime: reference counted. The Db holds one reference while the super version is current; each reader
 * takes one with {@link #tryRef()} (which fails only once the count reached zero, in which case the reader re-reads
 * the Db's field, which by then holds a newer one), or uses the one its thread cached in {@link LocalSuperVersions}
 * (which owns a reference until the next scrape). When the last reference goes, the pinned {@link Version} is
 * released so that its files may be deleted.
 *
 * <p>Thread-safety: safe.
 */
final class SuperVersion {

    final Memtable[] mem;
    /** Per column family id, the immutable memtables newest first (empty arrays for closed families). */
    final Memtable[][] imms;
    final Version version;
    private final VersionSet versions;
    private final AtomicInteger refs = new AtomicInteger(1);

    /** Creates a super version holding the Db's reference; {@code version} must already be pinned for it. */
    SuperVersion(final Memtable[] mem, final Memtable[][] imms, final Version version, final VersionSet versions) {
        this.mem = mem;
        this.imms = imms;
        this.version = version;
        this.versions = versions;
    }

    /** Takes a reference unless the super version is already released. */
    boolean tryRef() {
        while (true) {
            final int n = refs.get();
            if (n <= 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** The current reference count (for tests). */
    int refCount() {
        return refs.get();
    }

    /** Drops a reference; the last one unpins the version. */
    void unref() {
        if (refs.decrementAndGet() == 0) {
            versions.unref(version);
        }
    }
}
