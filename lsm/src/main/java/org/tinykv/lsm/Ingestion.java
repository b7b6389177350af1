package org.tinykv.lsm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tinykv.lsm.iterator.InternalIterator;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.RangeTombstone;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.lsm.memtable.Memtable;
import org.tinykv.lsm.sstable.TableProperties;
import org.tinykv.lsm.sstable.TableReader;
import org.tinykv.lsm.version.FileMetadata;
import org.tinykv.lsm.version.FileNames;
import org.tinykv.lsm.version.Version;
import org.tinykv.lsm.version.VersionEdit;

/**
 * Ingestion of external tables: validate them, flush memtables that overlap them, then (holding write leadership
 * and excluding compactions) give them one new global sequence number, rename them into the Db and place each at
 * the deepest level with nothing overlapping at or above it, in one manifest edit.
 *
 * <p>Thread-safety: called by {@link Db#ingestExternalFiles}; serialized by the write path.
 */
final class Ingestion {

    private record Candidate(Path path, byte[] smallestUser, byte[] largestUser, TableProperties props) {
    }

    private Ingestion() {
    }

    static void ingest(final Db db, final Cf cf, final List<Path> files) throws IOException {
        if (files.isEmpty()) {
            return;
        }
        final List<Candidate> cands = new ArrayList<>();
        for (final Path p : files) {
            cands.add(inspect(db, p));
        }
        cands.sort((a, b) -> Arrays.compareUnsigned(a.smallestUser(), b.smallestUser()));
        for (int i = 1; i < cands.size(); i++) {
            if (Arrays.compareUnsigned(cands.get(i - 1).largestUser(), cands.get(i).smallestUser()) >= 0) {
                throw new IllegalArgumentException("ingested files overlap: " + cands.get(i - 1).path() + " and "
                    + cands.get(i).path());
            }
        }
        final byte[] lo = cands.get(0).smallestUser();
        final byte[] hi = cands.get(cands.size() - 1).largestUser();
        boolean overlaps;
        db.mutex.lock();
        try {
            overlaps = memOverlaps(db.mem[cf.id()], lo, hi);
            for (final Db.ImmutableGen g : db.imm) {
                overlaps |= memOverlaps(g.mems()[cf.id()], lo, hi);
            }
        } finally {
            db.mutex.unlock();
        }
        if (overlaps) {
            db.flush();
        }
        db.background.compactionLock.lock();
        try {
            db.writePath.runExclusive(() -> place(db, cf, cands, lo, hi), false);
        } finally {
            db.background.compactionLock.unlock();
        }
    }

    private static Candidate inspect(final Db db, final Path p) throws IOException {
        try (TableReader t = TableReader.open(db.fs.openRandomAccess(p), -1, null, 0)) {
            final TableProperties props = t.properties();
            byte[] lo = props.entries() > 0 ? InternalKey.userKey(props.smallestKey()) : null;
            byte[] hi = props.entries() > 0 ? InternalKey.userKey(props.largestKey()) : null;
            for (final RangeTombstone r : t.rangeTombstones().tombstones()) {
                lo = lo == null || Arrays.compareUnsigned(r.begin(), lo) < 0 ? r.begin() : lo;
                hi = hi == null || Arrays.compareUnsigned(r.end(), hi) > 0 ? r.end() : hi;
            }
            if (lo == null) {
                throw new IllegalArgumentException("empty table " + p);
            }
            return new Candidate(p, lo, hi, props);
        }
    }

    /** Tells {@code observer} the puts of an ingested table (see {@link CfObserver} for why only those). */
    private static void reportPuts(final Db db, final Path table, final CfObserver observer) throws IOException {
        try (TableReader t = TableReader.open(db.fs.openRandomAccess(table), -1, null, 0);
             InternalIterator it = t.iterator(false)) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                final long trailer = InternalKey.trailerOf(it.keyArray(), it.keyOffset(), it.keyLength());
                if (InternalKey.kindOf(trailer) == ValueKind.PUT.code()) {
                    observer.put(InternalKey.userKey(it.keyArray(), it.keyOffset(), it.keyLength()),
                        Arrays.copyOfRange(it.valueArray(), it.valueOffset(), it.valueOffset() + it.valueLength()));
                }
            }
        }
    }

    private static boolean memOverlaps(final Memtable m, final byte[] lo, final byte[] hi) throws IOException {
        if (m == null || m.isEmpty()) {
            return false;
        }
        for (final RangeTombstone t : m.rangeTombstones().tombstones()) {
            if (Arrays.compareUnsigned(t.begin(), hi) <= 0 && Arrays.compareUnsigned(t.end(), lo) > 0) {
                return true;
            }
        }
        try (InternalIterator it = m.iterator()) {
            it.seek(InternalKey.seekKey(lo, InternalKey.MAX_SEQ));
            return it.valid() && Arrays.compareUnsigned(it.keyArray(), it.keyOffset(),
                it.keyOffset() + it.keyLength() - InternalKey.TRAILER_BYTES, hi, 0, hi.length) <= 0;
        }
    }

    private static void place(final Db db, final Cf cf, final List<Candidate> cands, final byte[] lo,
                              final byte[] hi) throws IOException {
        db.checkOpen();
        db.mutex.lock();
        boolean overlaps;
        try {
            overlaps = memOverlaps(db.mem[cf.id()], lo, hi);
            for (final Db.ImmutableGen g : db.imm) {
                overlaps |= memOverlaps(g.mems()[cf.id()], lo, hi);
            }
        } finally {
            db.mutex.unlock();
        }
        if (overlaps) {
            throw new IOException("writes overlapping the ingested range arrived during ingestion; retry");
        }
        final long seq = db.versions.lastSequence() + 1;
        final Version v = db.versions.current();
        final VersionEdit edit = new VersionEdit().lastSequence(seq);
        final List<Long> numbers = new ArrayList<>();
        try {
            for (final Candidate c : cands) {
                final long n = db.background.newOutputNumber();
                numbers.add(n);
                db.fs.rename(c.path(), FileNames.table(db.dir, n));
                int level = 0;
                for (int l = 0; l < Version.NUM_LEVELS; l++) {
                    if (!v.overlapping(cf.id(), l, c.smallestUser(), c.largestUser()).isEmpty()) {
                        break;
                    }
                    level = l;
                }
                final long size = db.fs.size(FileNames.table(db.dir, n));
                final byte[] smallest = InternalKey.encode(c.smallestUser(), InternalKey.MAX_SEQ, ValueKind.SEEK_CODE);
                final byte[] largest = c.props().entries() > 0
                    && Arrays.equals(InternalKey.userKey(c.props().largestKey()), c.largestUser())
                    ? InternalKey.encode(c.largestUser(), seq, 0)
                    : InternalKey.encode(c.largestUser(), InternalKey.MAX_SEQ, ValueKind.SEEK_CODE);
                edit.add(cf.id(), level, new FileMetadata(n, size, smallest, largest, seq, seq, seq,
                    c.props().entries(), c.props().rangeDeletions()));
            }
            db.fs.syncDir(db.dir);
            final CfObserver observer = db.observers[cf.id()];
            if (observer != null) {
                for (final long n : numbers) {
                    reportPuts(db, FileNames.table(db.dir, n), observer);
                }
            }
            db.versions.logAndApply(edit, nv -> {
                db.mutex.lock();
                try {
                    db.versions.install(nv);
                    db.publishSuperVersion();
                    db.versions.setLastSequence(seq);
                    db.changed.signalAll();
                } finally {
                    db.mutex.unlock();
                }
            });
        } finally {
            db.background.releaseOutputs(numbers);
        }
    }
}
