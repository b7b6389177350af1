package org.tinykv.lsm;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.tinykv.lsm.cache.BlockCache;
import org.tinykv.lsm.cache.TableCache;
import org.tinykv.lsm.compaction.Compaction;
import org.tinykv.lsm.compaction.CompactionPicker;
import org.tinykv.lsm.iterator.InternalIterator;
import org.tinykv.lsm.iterator.MergingIterator;
import org.tinykv.lsm.iterator.UserIterator;
import org.tinykv.lsm.key.FragmentedTombstones;
import org.tinykv.lsm.key.Lookup;
import org.tinykv.lsm.key.RangeTombstone;
import org.tinykv.lsm.memtable.Memtable;
import org.tinykv.lsm.sstable.BloomFilter;
import org.tinykv.lsm.version.FileMetadata;
import org.tinykv.lsm.version.FileNames;
import org.tinykv.lsm.version.Version;
import org.tinykv.lsm.version.VersionSet;
import org.tinykv.wal.fs.FileSystem;

/**
 * The LSM storage engine: column families sharing one WAL and one MANIFEST, atomic write batches with group commit,
 * snapshots, bounded iterators, background flush and leveled compaction, external table ingestion.
 *
 * <p>Durability: under {@link org.tinykv.wal.SyncPolicy#EVERY_WRITE} a write with {@link WriteOptions#sync()} is
 * fsynced before {@code write} returns (see {@link DbOptions#syncPolicy()} for NEVER and INTERVAL); every write
 * reaches the operating system before it returns and survives a process crash. After a machine crash the Db
 * recovers a prefix of the acknowledged writes that contains every synced one.
 *
 * <p>Thread-safety: safe. Reads ({@code get}, {@code newIterator}) never take the Db's mutex and never wait for the
 * write path: they pin the current {@link SuperVersion} (memtables + table version), point reads through a
 * per-thread cached reference validated against the current one ({@link LocalSuperVersions}), iterators with an
 * atomic reference count.
 * Iterators and snapshots must be closed.
 */
public final class Db implements AutoCloseable {

    /** Counters kept by the engine. */
    static final class Stats {
        final LongAdder bytesWritten = new LongAdder();
        final LongAdder writeBatches = new LongAdder();
        final LongAdder writeGroups = new LongAdder();
        final LongAdder fsyncs = new LongAdder();
        final LongAdder writeStalls = new LongAdder();
        final LongAdder flushes = new LongAdder();
        final LongAdder compactions = new LongAdder();
        final LongAdder compactionBytesRead = new LongAdder();
        final LongAdder compactionBytesWritten = new LongAdder();
    }

    /** A generation of memtables waiting for flush; the WAL from {@code nextLogNumber} on holds newer writes. */
    record ImmutableGen(Memtable[] mems, long nextLogNumber) {
    }

    /**
     * Memtable arena slab size (at most; 1/16 of the memtable for small ones). Large on purpose: with G1 such slabs
     * are "humongous" objects allocated straight into the old generation, so the memtable, which lives until its
     * flush, is never copied by young collections (256 KiB young slabs cost up to 0.4 s pauses copying a 64 MiB
     * memtable); 4 MiB keeps the number of humongous allocations per memtable small.
     */
    static final int MEMTABLE_SLAB_BYTES = 4 << 20;
    /**
     * Memtable bloom filter size: one bit per this many bytes of memtable (1/64 of its memory; about 18 bits a key
     * for 100-byte values), so point reads skip the skip lists of memtables that do not hold the key.
     */
    static final int MEMTABLE_BYTES_PER_BLOOM_BIT = 8;

    final DbOptions options;
    final FileSystem fs;
    final Path dir;
    final VersionSet versions;
    final BlockCache blockCache;
    final TableCache tableCache;
    final SnapshotList snapshots = new SnapshotList();
    final ReentrantLock mutex = new ReentrantLock();
    final Condition changed = mutex.newCondition();
    final int[] cfIds;
    private final boolean[] openCfs = new boolean[Version.MAX_CFS];
    private final int openCfMask;
    final Stats stats = new Stats();
    final ArrayDeque<ImmutableGen> imm = new ArrayDeque<>();
    final WritePath writePath = new WritePath(this);
    /** Each column family's {@link CfObserver} by id, or null; changed only while holding write leadership. */
    final CfObserver[] observers = new CfObserver[Version.MAX_CFS];
    final Background background;
    Memtable[] mem = new Memtable[Version.MAX_CFS];
    WalFile log;
    long logNumber;
    long optionsNumber;
    volatile IOException backgroundError;
    private volatile long lastLogSyncNanos;
    /** What readers use; replaced under the mutex by {@link #publishSuperVersion()}. */
    private volatile SuperVersion superVersion;
    /** Per-thread cached super versions of point reads; scraped whenever {@link #superVersion} changes. */
    final LocalSuperVersions localSuperVersions = new LocalSuperVersions();
    private final LocalSuperVersions.RefSource refSuperVersion = this::refSuperVersion;
    volatile boolean closing;
    private final Closeable dirLock;
    private long memtableSeeds;
    private volatile boolean closed;

    private Db(final DbOptions options, final Closeable dirLock) {
        this.options = options;
        this.fs = options.fs();
        this.dir = options.dir();
        this.dirLock = dirLock;
        this.versions = new VersionSet(fs, dir);
        this.blockCache = new BlockCache(options.blockCacheBytes());
        this.tableCache = new TableCache(fs, dir, blockCache, options.maxOpenFiles());
        this.cfIds = options.columnFamilies().stream().mapToInt(Cf::id).sorted().toArray();
        int mask = 0;
        for (final int id : cfIds) {
            openCfs[id] = true;
            mask |= 1 << id;
        }
        this.openCfMask = mask;
        this.memtableSeeds = options.randomSeed();
        this.background = new Background(this);
    }

    /**
     * Opens (or creates) the Db in {@code options.dir()}: takes {@code LOCK}, loads the manifest, replays the WAL
     * into new level-0 tables and starts the background threads.
     *
     * @throws org.tinykv.wal.CorruptionException if the manifest or a WAL record (other than a torn tail) is bad
     */
    public static Db open(final DbOptions options) throws IOException {
        final FileSystem fs = options.fs();
        if (options.createIfMissing()) {
            fs.createDirectories(options.dir());
        } else if (!fs.exists(FileNames.current(options.dir()))) {
            throw new IOException("no Db in " + options.dir() + " and createIfMissing is false");
        }
        final Closeable lock = fs.lock(FileNames.lock(options.dir()));
        final Db db = new Db(options, lock);
        try {
            Recovery.recover(db);
        } catch (final IOException | RuntimeException e) {
            db.closeQuietly();
            throw e;
        }
        return db;
    }

    Memtable newMemtable() {
        return new Memtable(memtableSeeds++, (int) Math.min(MEMTABLE_SLAB_BYTES, options.memtableBytes() / 16),
            options.memtableBytes() / MEMTABLE_BYTES_PER_BLOOM_BIT);
    }

    /** Installs fresh memtables for every column family (mutex held or during open). */
    void resetMemtables() {
        mem = new Memtable[Version.MAX_CFS];
        for (final int cf : cfIds) {
            mem[cf] = newMemtable();
        }
    }

    /** Switches to new memtables and a new WAL file; the old generation is queued for flush. Mutex held. */
    void switchMemtables() throws IOException {
        final long number = versions.newFileNumber();
        final WalFile next = new WalFile(fs.createLog(FileNames.log(dir, number)));
        fs.syncDir(dir);
        log.sync();
        log.close();
        log = next;
        logNumber = number;
        imm.addLast(new ImmutableGen(mem, number));
        resetMemtables();
        publishSuperVersion();
        background.maybeScheduleFlush();
    }

    /**
     * Publishes the current memtables, immutable memtables and version for readers. Called with the mutex held
     * (or during open) after every change of any of them.
     */
    void publishSuperVersion() {
        final Memtable[][] imms = new Memtable[Version.MAX_CFS][];
        for (int cf = 0; cf < Version.MAX_CFS; cf++) {
            final Memtable[] list = new Memtable[mem[cf] == null ? 0 : imm.size()];
            int i = 0;
            final var it = imm.descendingIterator();
            while (it.hasNext() && i < list.length) {
                list[i++] = it.next().mems()[cf];
            }
            imms[cf] = list;
        }
        final SuperVersion next = new SuperVersion(mem.clone(), imms, versions.refCurrent(), versions);
        final SuperVersion old = superVersion;
        superVersion = next;
        if (old != null) {
            old.unref();
        }
        localSuperVersions.scrape();
    }

    /** The current super version, without taking a reference (for tests). */
    SuperVersion currentSuperVersion() {
        return superVersion;
    }

    /** Takes a reference on the current super version, without locking. */
    private SuperVersion refSuperVersion() throws IOException {
        while (true) {
            final SuperVersion sv = superVersion;
            if (sv == null || closed) {
                throw new IOException("Db is closed");
            }
            if (sv.tryRef()) {
                return sv;
            }
        }
    }

    /** Fsyncs the WAL. Requires: write leadership. */
    void syncLog() throws IOException {
        lastLogSyncNanos = options.nanoClock().getAsLong();
        if (log.hasUnsynced()) {
            log.sync();
            stats.fsyncs.increment();
        }
    }

    /** Under {@link org.tinykv.wal.SyncPolicy#INTERVAL}: whether the sync period has passed since the last sync. */
    boolean intervalSyncDue() {
        return options.nanoClock().getAsLong() - lastLogSyncNanos >= options.syncIntervalMillis() * 1_000_000L;
    }

    /** The timer's INTERVAL sync: takes write leadership and fsyncs the WAL if it holds unsynced records. */
    void intervalSync() {
        try {
            writePath.runExclusive(() -> {
                if (!closing && log != null && log.hasUnsynced() && intervalSyncDue()) {
                    syncLog();
                }
            }, false);
        } catch (final IOException e) {
            mutex.lock();
            try {
                setBackgroundError(e);
            } finally {
                mutex.unlock();
            }
        }
    }

    int maxL0Files() {
        final Version v = versions.current();
        int max = 0;
        for (final int cf : cfIds) {
            max = Math.max(max, v.files(cf, 0).size());
        }
        return max;
    }

    void checkOpen() throws IOException {
        if (closed || closing) {
            throw new IOException("Db is closed");
        }
        final IOException e = backgroundError;
        if (e != null) {
            throw new IOException("Db is read-only after a background error: " + e.getMessage(), e);
        }
    }

    void setBackgroundError(final IOException e) {
        if (backgroundError == null) {
            backgroundError = e;
        }
        changed.signalAll();
    }

    private void checkCf(final Cf cf) {
        if (!openCfs[cf.id()]) {
            throw new IllegalArgumentException("column family " + cf + " is not open");
        }
    }

    /** Applies {@code batch} atomically. If {@code options.sync()}, it is durable when this returns. */
    public void write(final WriteBatch batch, final WriteOptions options) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        if ((batch.cfMask() & ~openCfMask) != 0) {
            throw new IllegalArgumentException("the batch writes a column family that is not open: mask "
                + Integer.toBinaryString(batch.cfMask()) + ", open " + Integer.toBinaryString(openCfMask));
        }
        writePath.write(batch, options.sync());
    }

    /** Writes one value. */
    public void put(final Cf cf, final byte[] key, final byte[] value, final WriteOptions o) throws IOException {
        checkCf(cf);
        write(new WriteBatch(WriteBatch.HEADER + WriteBatch.maxEntryBytes(key.length, value.length))
            .put(cf, key, value), o);
    }

    /** Deletes one key. */
    public void delete(final Cf cf, final byte[] key, final WriteOptions o) throws IOException {
        checkCf(cf);
        write(new WriteBatch(WriteBatch.HEADER + WriteBatch.maxEntryBytes(key.length, 0)).delete(cf, key), o);
    }

    /** Deletes every key in {@code [begin, endExclusive)}. */
    public void deleteRange(final Cf cf, final byte[] begin, final byte[] endExclusive, final WriteOptions o)
        throws IOException {
        checkCf(cf);
        write(new WriteBatch().deleteRange(cf, begin, endExclusive), o);
    }

    /** Reads the latest value of {@code key}, or null. */
    public byte[] get(final Cf cf, final byte[] key) throws IOException {
        return get(ReadOptions.DEFAULT, cf, key);
    }

    /** Reads {@code key} at the options' snapshot (or the latest state), or null. Never takes the Db's mutex. */
    public byte[] get(final ReadOptions ro, final Cf cf, final byte[] key) throws IOException {
        checkCf(cf);
        final long seq = ro.snapshot() != null ? ro.snapshot().sequence() : versions.lastSequence();
        if (closed) {
            throw new IOException("Db is closed");
        }
        final SuperVersion sv = localSuperVersions.acquire(superVersion, refSuperVersion);
        try {
            final Lookup lookup = new Lookup(key, seq);
            final long hash = BloomFilter.hash(key, 0, key.length);
            sv.mem[cf.id()].get(lookup, hash);
            final Memtable[] imms = sv.imms[cf.id()];
            for (int i = 0; i < imms.length && !lookup.isFound(); i++) {
                imms[i].get(lookup, hash);
            }
            if (!lookup.isFound()) {
                sv.version.get(cf.id(), lookup, tableCache, hash);
            }
            return lookup.result();
        } finally {
            localSuperVersions.release(sv);
        }
    }

    /** Takes a snapshot of the current state; close it to release. */
    public Snapshot getSnapshot() {
        return snapshots.acquire(versions::lastSequence);
    }

    /** Returns an iterator over {@code cf} at the options' snapshot and within its bounds. */
    public DbIterator newIterator(final ReadOptions ro, final Cf cf) {
        checkCf(cf);
        final long seq = ro.snapshot() != null ? ro.snapshot().sequence() : versions.lastSequence();
        final SuperVersion sv;
        try {
            sv = refSuperVersion();
        } catch (final IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            final List<InternalIterator> children = new ArrayList<>();
            final List<RangeTombstone> tombstones = new ArrayList<>();
            addMemtable(sv.mem[cf.id()], children, tombstones);
            for (final Memtable m : sv.imms[cf.id()]) {
                addMemtable(m, children, tombstones);
            }
            sv.version.addIterators(cf.id(), tableCache, ro.fillCache(), children);
            sv.version.addRangeTombstones(cf.id(), tableCache, ro.lowerBound(), ro.upperBound(), tombstones);
            final FragmentedTombstones fragmented = tombstones.isEmpty() ? FragmentedTombstones.EMPTY
                : new FragmentedTombstones(tombstones);
            return new UserIterator(new MergingIterator(children), seq, fragmented,
                ro.lowerBound(), ro.upperBound(), sv::unref);
        } catch (final IOException | RuntimeException e) {
            sv.unref();
            throw e instanceof IOException io ? new java.io.UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /**
     * Adds a memtable's iterator and range tombstones unless it is empty. An empty memtable can be skipped: the
     * iterator's sequence number was read before, so anything inserted later is invisible to it.
     */
    private static void addMemtable(final Memtable m, final List<InternalIterator> children,
                                    final List<RangeTombstone> tombstones) {
        if (!m.isEmpty()) {
            children.add(m.iterator());
            tombstones.addAll(m.rangeTombstones().tombstones());
        }
    }

    /** Flushes every non-empty memtable to level 0 and waits until done. */
    public void flush() throws IOException {
        writePath.runExclusive(null, true);
        mutex.lock();
        try {
            while (!imm.isEmpty()) {
                checkOpen();
                background.maybeScheduleFlush();
                changed.awaitUninterruptibly();
            }
            checkOpen();
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Compacts the tables of {@code cf} overlapping {@code [begin, end]} (null = unbounded) level by level down to
     * the deepest level holding data, after flushing the memtables; tombstones reaching it are dropped.
     */
    public void compactRange(final Cf cf, final byte[] begin, final byte[] end) throws IOException {
        checkCf(cf);
        flush();
        background.compactionLock.lock();
        try {
            int deepest = 0;
            final Version v0 = versions.current();
            for (int level = 0; level < Version.NUM_LEVELS; level++) {
                if (!v0.files(cf.id(), level).isEmpty()) {
                    deepest = level;
                }
            }
            final int last = Math.max(1, deepest);
            for (int level = 0; level < last; level++) {
                checkOpen();
                final Version v = versions.current();
                final List<FileMetadata> inputs = level == 0 ? v.files(cf.id(), 0)
                    : v.overlapping(cf.id(), level, begin, end);
                if (inputs.isEmpty()) {
                    continue;
                }
                final Compaction c = CompactionPicker.forInputs(v, cf.id(), level, inputs, true);
                background.runCompaction(c);
            }
        } finally {
            background.compactionLock.unlock();
        }
    }

    /**
     * Makes {@code observer} follow {@code cf} from now on (see {@link CfObserver}): while no write is in progress,
     * it is told every live key of {@code cf}, then every change. One observer per family.
     *
     * @throws IllegalArgumentException if {@code cf} is not open here
     * @throws IllegalStateException if {@code cf} already has an observer (this method is meant to be called once
     *     per family, by the Db's owner, not concurrently with itself)
     */
    public void observe(final Cf cf, final CfObserver observer) throws IOException {
        Objects.requireNonNull(observer, "observer");
        checkCf(cf);
        if (observers[cf.id()] != null) {
            throw new IllegalStateException(cf.cfName() + " already has an observer");
        }
        writePath.runExclusive(() -> {
            try (DbIterator it = newIterator(ReadOptions.DEFAULT, cf)) {
                for (it.seekToFirst(); it.valid(); it.next()) {
                    observer.put(it.key(), it.value());
                }
            }
            observers[cf.id()] = observer;
        }, false);
    }

    /**
     * Moves external tables (written by {@link org.tinykv.lsm.sstable.SstFileWriter}) into {@code cf} atomically,
     * with one new global sequence number, each at the deepest level where it overlaps nothing newer. The files
     * are renamed into the Db directory. Requires: the files' key ranges do not overlap each other.
     */
    public void ingestExternalFiles(final Cf cf, final List<Path> sstFiles) throws IOException {
        checkCf(cf);
        Ingestion.ingest(this, cf, sstFiles);
    }

    /** Approximate bytes of table data of {@code cf} in {@code [begin, end)} (null = unbounded). */
    public long approximateSize(final Cf cf, final byte[] begin, final byte[] end) {
        checkCf(cf);
        final Version v = versions.refCurrent();
        try {
            return Sizes.approximate(v, cf.id(), tableCache, begin, end);
        } finally {
            versions.unref(v);
        }
    }

    /** Returns a copy of the engine's counters. */
    public DbStats stats() {
        mutex.lock();
        try {
            final Version v = versions.current();
            final Map<Cf, List<DbStats.LevelStats>> levels = new EnumMap<>(Cf.class);
            long pending = 0;
            for (final int cf : cfIds) {
                final List<DbStats.LevelStats> ls = new ArrayList<>();
                for (int level = 0; level < Version.NUM_LEVELS; level++) {
                    ls.add(new DbStats.LevelStats(level, v.files(cf, level).size(), v.levelBytes(cf, level)));
                }
                levels.put(Cf.fromId(cf), ls);
                pending += background.picker().pendingBytes(v, cf);
            }
            long memBytes = 0;
            for (final Memtable m : mem) {
                memBytes += m == null ? 0 : m.approximateMemoryBytes();
            }
            for (final ImmutableGen g : imm) {
                for (final Memtable m : g.mems()) {
                    memBytes += m == null ? 0 : m.approximateMemoryBytes();
                }
            }
            return new DbStats(stats.bytesWritten.sum(), stats.writeBatches.sum(), stats.writeGroups.sum(),
                stats.fsyncs.sum(), stats.writeStalls.sum(), memBytes, imm.size(), blockCache.hits(),
                blockCache.misses(), blockCache.usedBytes(), stats.flushes.sum(), stats.compactions.sum(),
                stats.compactionBytesRead.sum(), stats.compactionBytesWritten.sum(), pending, levels,
                versions.lastSequence(), snapshots.size());
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Closes the Db: waits for running background work, syncs the WAL, releases files and the lock. Unflushed
     * memtables are recovered from the WAL at the next open.
     */
    @Override
    public void close() throws IOException {
        mutex.lock();
        try {
            if (closed) {
                return;
            }
            closing = true;
            changed.signalAll();
        } finally {
            mutex.unlock();
        }
        background.shutdown();
        IOException first = null;
        try {
            writePath.runExclusive(() -> {
                if (log != null) {
                    log.sync();
                    log.close();
                }
            }, false);
        } catch (final IOException e) {
            first = e;
        }
        mutex.lock();
        try {
            closed = true;
            if (superVersion != null) {
                superVersion.unref();
            }
            localSuperVersions.scrape();
        } finally {
            mutex.unlock();
        }
        closeQuietly();
        if (first != null) {
            throw first;
        }
    }

    private void closeQuietly() {
        closed = true;
        closing = true;
        background.shutdown();
        try {
            versions.close();
        } catch (final IOException e) {
            // the manifest was synced after every edit; nothing is lost
        }
        tableCache.close();
        try {
            dirLock.close();
        } catch (final IOException e) {
            // releasing the lock failed; the process exit releases it
        }
    }
}
