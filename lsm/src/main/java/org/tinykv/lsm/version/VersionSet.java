package org.tinykv.lsm.version;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;
import org.tinykv.wal.record.RecordReader;
import org.tinykv.wal.record.RecordWriter;
import org.tinykv.wal.record.RecoveryMode;

/**
 * The current {@link Version} and the counters (next file number, last sequence, WAL log number), persisted as
 * {@link VersionEdit}s appended to {@code MANIFEST-NNNNNN} (wal record format); {@code CURRENT} names the live
 * manifest and is switched atomically (temp file, sync, rename, directory sync). See docs/formats/manifest.md.
 *
 * <p>Thread-safety: {@link #logAndApply} is serialized internally; counters are safe to read concurrently.
 */
public final class VersionSet {

    private static final long MANIFEST_ROLL_BYTES = 64L << 20;

    private final FileSystem fs;
    private final Path dir;
    private volatile Version current = Version.empty();
    private final List<Version> live = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong nextFileNumber = new java.util.concurrent.atomic.AtomicLong(2);
    private volatile long lastSequence;
    private volatile long logNumber;
    private volatile long manifestNumber;
    private RecordWriter manifest;
    private WritableFile manifestFile;

    /** Creates an empty set for {@code dir}; call {@link #recover()} or {@link #create()} next. */
    public VersionSet(final FileSystem fs, final Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    /** Whether {@code CURRENT} exists. */
    public boolean exists() {
        return fs.exists(FileNames.current(dir));
    }

    /** Initializes a new, empty Db: writes a first manifest and CURRENT. */
    public synchronized void create() throws IOException {
        writeSnapshotManifest();
    }

    /**
     * Loads the manifest named by CURRENT. A torn last record (a crash during a manifest write) is dropped: that
     * edit was never installed. Any other damage is a {@link CorruptionException}.
     */
    public synchronized void recover() throws IOException {
        final Path currentPath = FileNames.current(dir);
        final byte[] cur = readAll(currentPath);
        final String name = new String(cur, StandardCharsets.UTF_8).trim();
        if (cur.length == 0 || cur[cur.length - 1] != '\n' || !name.startsWith("MANIFEST-")) {
            throw new CorruptionException(currentPath.toString(), 0, "CURRENT does not name a manifest");
        }
        final Path manifestPath = dir.resolve(name);
        if (!fs.exists(manifestPath)) {
            throw new CorruptionException(currentPath.toString(), 0, "CURRENT names missing " + name);
        }
        Version v = Version.empty();
        long next = -1;
        long last = -1;
        long log = -1;
        boolean any = false;
        try (RecordReader r = new RecordReader(fs.openRandomAccess(manifestPath),
            RecoveryMode.TOLERATE_CORRUPTED_TAIL)) {
            byte[] rec;
            while ((rec = r.next()) != null) {
                final VersionEdit e;
                try {
                    e = VersionEdit.decode(rec);
                } catch (final CorruptionException ce) {
                    throw ce;
                } catch (final IOException ioe) {
                    throw new CorruptionException(manifestPath.toString(), r.lastRecordOffset(), ioe.getMessage());
                }
                v = v.apply(e);
                next = e.nextFileNumber() >= 0 ? e.nextFileNumber() : next;
                last = e.lastSequence() >= 0 ? e.lastSequence() : last;
                log = e.logNumber() >= 0 ? e.logNumber() : log;
                any = true;
            }
        }
        if (!any || next < 0 || last < 0 || log < 0) {
            throw new CorruptionException(manifestPath.toString(), 0, "manifest lacks a complete snapshot");
        }
        current = v;
        nextFileNumber.set(Math.max(next, FileNames.parse(name).number() + 1));
        lastSequence = last;
        logNumber = log;
        writeSnapshotManifest();
    }

    private byte[] readAll(final Path p) throws IOException {
        try (RandomAccessFile f = fs.openRandomAccess(p)) {
            final long size = f.size();
            if (size > 4096) {
                throw new CorruptionException(p.toString(), 0, "file too large: " + size);
            }
            final byte[] out = new byte[(int) size];
            int done = 0;
            while (done < out.length) {
                final int n = f.read(done, out, done, out.length - done);
                if (n <= 0) {
                    break;
                }
                done += n;
            }
            return java.util.Arrays.copyOf(out, done);
        }
    }

    /** Starts a new manifest holding the whole current state, then points CURRENT at it. */
    private void writeSnapshotManifest() throws IOException {
        final long number = nextFileNumber.getAndIncrement();
        final String name = FileNames.manifestName(number);
        final WritableFile file = fs.create(dir.resolve(name));
        final RecordWriter writer = new RecordWriter(file);
        final VersionEdit snapshot = new VersionEdit().logNumber(logNumber).lastSequence(lastSequence)
            .nextFileNumber(nextFileNumber.get());
        for (int cf = 0; cf < Version.MAX_CFS; cf++) {
            for (int level = 0; level < Version.NUM_LEVELS; level++) {
                for (final FileMetadata f : current.files(cf, level)) {
                    snapshot.add(cf, level, f);
                }
            }
        }
        writer.addRecord(snapshot.encode());
        writer.sync();
        final Path tmp = dir.resolve("CURRENT.tmp");
        try (WritableFile t = fs.create(tmp)) {
            final byte[] content = (name + "\n").getBytes(StandardCharsets.UTF_8);
            t.append(content, 0, content.length);
            t.sync();
        }
        fs.rename(tmp, FileNames.current(dir));
        fs.syncDir(dir);
        if (manifest != null) {
            manifest.close();
        }
        manifest = writer;
        manifestFile = file;
        manifestNumber = number;
    }

    /**
     * Appends {@code edit} to the manifest, syncs it, and hands the resulting version to {@code installer}, which
     * must call {@link #install(Version)} (typically under the Db's lock, together with related state changes).
     */
    public synchronized void logAndApply(final VersionEdit edit, final Consumer<Version> installer)
        throws IOException {
        if (edit.logNumber() < 0) {
            edit.logNumber(logNumber);
        }
        edit.nextFileNumber(nextFileNumber.get());
        edit.lastSequence(Math.max(edit.lastSequence(), lastSequence));
        final Version next = current.apply(edit);
        if (!edit.added().isEmpty()) {
            fs.syncDir(dir);
        }
        if (manifestFile.size() > MANIFEST_ROLL_BYTES) {
            final Version saved = current;
            current = next;
            logNumber = edit.logNumber();
            writeSnapshotManifest();
            current = saved;
        } else {
            manifest.addRecord(edit.encode());
            manifest.sync();
        }
        logNumber = edit.logNumber();
        installer.accept(next);
    }

    /** Makes {@code v} current. Called by the installer of {@link #logAndApply}. */
    public void install(final Version v) {
        synchronized (live) {
            final Version old = current;
            current = v;
            if (old.refCount() == 0) {
                live.remove(old);
            }
            live.add(v);
        }
    }

    /** The current version (not pinned). */
    public Version current() {
        return current;
    }

    /** Returns the current version with a reference taken. */
    public Version refCurrent() {
        synchronized (live) {
            final Version v = current;
            v.ref();
            if (!live.contains(v)) {
                live.add(v);
            }
            return v;
        }
    }

    /** Drops a reference taken by {@link #refCurrent()}. */
    public void unref(final Version v) {
        synchronized (live) {
            if (v.unref() && v != current) {
                live.remove(v);
            }
        }
    }

    /** File numbers referenced by the current version or any pinned one. */
    public Set<Long> liveFiles() {
        final Set<Long> out = new HashSet<>();
        synchronized (live) {
            current.collectFiles(out);
            for (final Version v : live) {
                v.collectFiles(out);
            }
        }
        return out;
    }

    /** Allocates a file number. */
    public long newFileNumber() {
        return nextFileNumber.getAndIncrement();
    }

    /** Ensures future file numbers are above {@code n}. */
    public void markFileNumberUsed(final long n) {
        nextFileNumber.accumulateAndGet(n + 1, Math::max);
    }

    /** The last sequence number published. */
    public long lastSequence() {
        return lastSequence;
    }

    /** Publishes a new last sequence number. */
    public void setLastSequence(final long s) {
        lastSequence = s;
    }

    /** The oldest WAL number still needed. */
    public long logNumber() {
        return logNumber;
    }

    /** The live manifest's number. */
    public long manifestNumber() {
        return manifestNumber;
    }

    /** Closes the manifest writer. */
    public synchronized void close() throws IOException {
        if (manifest != null) {
            manifest.close();
            manifest = null;
        }
    }
}
