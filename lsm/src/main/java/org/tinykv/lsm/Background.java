package org.tinykv.lsm;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.tinykv.lsm.compaction.Compaction;
import org.tinykv.lsm.compaction.CompactionFilter;
import org.tinykv.lsm.compaction.CompactionJob;
import org.tinykv.lsm.compaction.CompactionPicker;
import org.tinykv.lsm.compaction.TableOutput;
import org.tinykv.lsm.memtable.Memtable;
import org.tinykv.lsm.version.FileMetadata;
import org.tinykv.lsm.version.FileNames;
import org.tinykv.lsm.version.Version;
import org.tinykv.lsm.version.VersionEdit;

/**
 * The Db's background work on two threads it owns: one flushes immutable memtables to level 0 (oldest first), one
 * runs compactions; both delete obsolete files afterwards. Compactions and ingestion exclude each other through
 * {@link #compactionLock}.
 *
 * <p>Thread-safety: safe; scheduling state is guarded by the Db's mutex.
 */
final class Background {

    final ReentrantLock compactionLock = new ReentrantLock();
    private final Db db;
    private final ExecutorService flushThread;
    private final ExecutorService compactionThread;
    private final java.util.concurrent.ScheduledExecutorService syncTimer;
    private final Set<Long> pendingOutputs = new HashSet<>();
    private final CompactionPicker picker;
    private boolean flushScheduled;
    private boolean compactionScheduled;

    Background(final Db db) {
        this.db = db;
        final String name = db.dir.getFileName() == null ? "db" : db.dir.getFileName().toString();
        this.flushThread = Executors.newSingleThreadExecutor(r -> daemon(r, "lsm-flush-" + name));
        this.compactionThread = Executors.newSingleThreadExecutor(r -> daemon(r, "lsm-compaction-" + name));
        if (db.options.syncPolicy() == org.tinykv.wal.SyncPolicy.INTERVAL) {
            final long period = db.options.syncIntervalMillis();
            this.syncTimer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lsm-wal-sync-" + name));
            this.syncTimer.scheduleWithFixedDelay(db::intervalSync, period, period, TimeUnit.MILLISECONDS);
        } else {
            this.syncTimer = null;
        }
        this.picker = new CompactionPicker(db.options.l0CompactionTrigger(), db.options.maxBytesForLevelBase(),
            db.options.levelMultiplier());
    }

    private static Thread daemon(final Runnable r, final String name) {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    CompactionPicker picker() {
        return picker;
    }

    /** Allocates a file number protected from deletion until {@link #releaseOutputs}. */
    long newOutputNumber() {
        final long n = db.versions.newFileNumber();
        synchronized (pendingOutputs) {
            pendingOutputs.add(n);
        }
        return n;
    }

    void releaseOutputs(final List<Long> numbers) {
        synchronized (pendingOutputs) {
            pendingOutputs.removeAll(numbers);
        }
    }

    /** Mutex held. */
    void maybeScheduleFlush() {
        if (!flushScheduled && !db.imm.isEmpty() && db.backgroundError == null) {
            flushScheduled = true;
            flushThread.execute(this::flushLoop);
        }
    }

    /** Mutex held. */
    void maybeScheduleCompaction() {
        if (!compactionScheduled && !db.options.disableAutoCompactions() && db.backgroundError == null
            && !db.closing && picker.pick(db.versions.current(), db.cfIds) != null) {
            compactionScheduled = true;
            compactionThread.execute(this::compactionLoop);
        }
    }

    private void flushLoop() {
        while (true) {
            final Db.ImmutableGen gen;
            db.mutex.lock();
            try {
                gen = db.imm.peekFirst();
                if (gen == null || db.backgroundError != null) {
                    flushScheduled = false;
                    db.changed.signalAll();
                    return;
                }
            } finally {
                db.mutex.unlock();
            }
            try {
                flushGeneration(gen);
            } catch (final IOException | RuntimeException e) {
                db.mutex.lock();
                try {
                    db.setBackgroundError(e instanceof IOException io ? io : new IOException(e));
                    flushScheduled = false;
                    db.changed.signalAll();
                } finally {
                    db.mutex.unlock();
                }
                return;
            }
        }
    }

    private void flushGeneration(final Db.ImmutableGen gen) throws IOException {
        final VersionEdit edit = new VersionEdit();
        final List<Long> outputs = new ArrayList<>();
        try {
            for (int cf = 0; cf < gen.mems().length; cf++) {
                final Memtable m = gen.mems()[cf];
                if (m != null && !m.isEmpty()) {
                    final TableOutput out = writeMemtable(m, cf);
                    outputs.addAll(out.createdFiles());
                    for (final FileMetadata f : out.finish()) {
                        edit.add(cf, 0, f);
                    }
                }
            }
            edit.logNumber(gen.nextLogNumber());
            db.versions.logAndApply(edit, v -> {
                db.mutex.lock();
                try {
                    db.versions.install(v);
                    db.imm.pollFirst();
                    db.publishSuperVersion();
                    db.stats.flushes.increment();
                    db.changed.signalAll();
                } finally {
                    db.mutex.unlock();
                }
            });
        } finally {
            releaseOutputs(outputs);
        }
        deleteObsoleteFiles();
        db.mutex.lock();
        try {
            maybeScheduleCompaction();
        } finally {
            db.mutex.unlock();
        }
    }

    /** Writes a memtable as one level-0 table (not yet finished: the caller finishes it). */
    TableOutput writeMemtable(final Memtable m, final int cf) throws IOException {
        final TableOutput out = new TableOutput(db.fs, db.dir, this::newOutputNumber,
            db.options.tableOptions(Cf.fromId(cf), 0), Long.MAX_VALUE);
        out.tombstones(m.rangeTombstones().tombstones());
        try (var it = m.iterator()) {
            it.seekToFirst();
            while (it.valid()) {
                out.add(it.keyArray(), it.keyOffset(), it.keyLength(), it.valueArray(), it.valueOffset(),
                    it.valueLength());
                it.next();
            }
        } catch (final IOException | RuntimeException e) {
            out.abandon();
            throw e;
        }
        return out;
    }

    private void compactionLoop() {
        compactionLock.lock();
        try {
            while (true) {
                final Compaction c;
                db.mutex.lock();
                try {
                    if (db.closing || db.backgroundError != null || db.options.disableAutoCompactions()) {
                        break;
                    }
                    c = picker.pick(db.versions.current(), db.cfIds);
                    if (c == null) {
                        break;
                    }
                } finally {
                    db.mutex.unlock();
                }
                runCompaction(c);
            }
        } catch (final IOException | RuntimeException e) {
            db.mutex.lock();
            try {
                db.setBackgroundError(e instanceof IOException io ? io : new IOException(e));
            } finally {
                db.mutex.unlock();
            }
        } finally {
            compactionLock.unlock();
            db.mutex.lock();
            try {
                compactionScheduled = false;
                db.changed.signalAll();
            } finally {
                db.mutex.unlock();
            }
        }
    }

    /** Runs one compaction and installs its result. Requires: {@link #compactionLock} held. */
    void runCompaction(final Compaction c) throws IOException {
        final VersionEdit edit = new VersionEdit();
        for (final FileMetadata f : c.inputs()) {
            edit.delete(c.cf(), c.level(), f.number());
        }
        for (final FileMetadata f : c.nextInputs()) {
            edit.delete(c.cf(), c.outputLevel(), f.number());
        }
        List<Long> outputs = List.of();
        if (c.isTrivialMove()) {
            edit.add(c.cf(), c.outputLevel(), c.inputs().get(0));
        } else {
            final Version v = db.versions.refCurrent();
            final TableOutput out = new TableOutput(db.fs, db.dir, this::newOutputNumber,
                db.options.tableOptions(Cf.fromId(c.cf()), c.outputLevel()), db.options.targetFileBytes());
            try {
                final CompactionFilter.Factory ff = db.options.compactionFilter(Cf.fromId(c.cf()));
                final CompactionFilter filter = ff == null ? null : ff.create(c.outputLevel(), c.manual());
                new CompactionJob(c, v, db.tableCache, db.snapshots.sequences(), filter).run(out);
                for (final FileMetadata f : out.finish()) {
                    edit.add(c.cf(), c.outputLevel(), f);
                }
            } catch (final IOException | RuntimeException e) {
                out.abandon();
                releaseOutputs(out.createdFiles());
                throw e;
            } finally {
                db.versions.unref(v);
            }
            outputs = out.createdFiles();
            db.stats.compactionBytesRead.add(c.inputBytes());
            db.stats.compactionBytesWritten.add(out.bytesWritten());
        }
        try {
            db.versions.logAndApply(edit, v -> {
                db.mutex.lock();
                try {
                    db.versions.install(v);
                    db.publishSuperVersion();
                    db.stats.compactions.increment();
                    db.changed.signalAll();
                } finally {
                    db.mutex.unlock();
                }
            });
        } finally {
            releaseOutputs(outputs);
        }
        deleteObsoleteFiles();
    }

    /** Deletes tables no version needs, logs older than the manifest's log number, and old manifests. */
    void deleteObsoleteFiles() throws IOException {
        final List<String> names = db.fs.list(db.dir);
        final Set<Long> live;
        final long minLog;
        final long manifest;
        db.mutex.lock();
        try {
            live = db.versions.liveFiles();
            synchronized (pendingOutputs) {
                live.addAll(pendingOutputs);
            }
            minLog = db.versions.logNumber();
            manifest = db.versions.manifestNumber();
        } finally {
            db.mutex.unlock();
        }
        for (final String name : names) {
            final FileNames.Parsed p = FileNames.parse(name);
            boolean delete = false;
            switch (p.kind()) {
                case TABLE -> delete = !live.contains(p.number());
                case LOG -> delete = p.number() < minLog;
                case MANIFEST -> delete = p.number() < manifest;
                case OPTIONS -> delete = p.number() < db.optionsNumber;
                default -> delete = false;
            }
            if (delete) {
                if (p.kind() == FileNames.Kind.TABLE) {
                    db.tableCache.evict(p.number());
                }
                db.fs.delete(db.dir.resolve(name));
            }
        }
    }

    /** Stops the threads, waiting for running jobs. */
    void shutdown() {
        if (syncTimer != null) {
            syncTimer.shutdown();
        }
        flushThread.shutdown();
        compactionThread.shutdown();
        try {
            flushThread.awaitTermination(1, TimeUnit.MINUTES);
            compactionThread.awaitTermination(1, TimeUnit.MINUTES);
            if (syncTimer != null) {
                syncTimer.awaitTermination(1, TimeUnit.MINUTES);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
