package org.tinykv.multiraft.operation.snapshot;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.lsm.sstable.SstFileWriter;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.transport.SnapshotFiles;
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.Snapshot;
import org.tinykv.proto.eraftpb.SnapshotMetadata;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftSnapshotData;
import org.tinykv.proto.raft_serverpb.RegionLocalState;
import org.tinykv.proto.raft_serverpb.SnapshotCFFile;
import org.tinykv.proto.raft_serverpb.SnapshotMeta;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.fs.WritableFile;

/**
 * A store's snapshot directory {@code <data-dir>/snap} and its snapshot-generating agent. Generated snapshots
 * live in {@code gen_<region>_<term>_<index>/}, received ones in {@code rcv_<region>_<term>_<index>/}; each holds
 * {@code <cf>.sst} files. See docs/formats/snapshot.md.
 *
 * <p>Thread-safety: {@link #requestGeneration} is safe from any thread; {@link #doWork()} runs on one thread
 * (its runner or a test); the file helpers are stateless.
 */
public final class SnapManager implements Agent {
    /** The column families a snapshot carries, in file order. */
    public static final List<Cf> DATA_CFS = List.of(Cf.DEFAULT, Cf.LOCK, Cf.WRITE);

    private static final Logger LOG = LoggerFactory.getLogger(SnapManager.class);
    private static final int CHUNK = 64 << 10;

    private final FileSystem fs;
    private final Path root;
    private final Db kvDb;
    private final Db raftDb;
    private final ConcurrentLinkedQueue<Request> queue = new ConcurrentLinkedQueue<>();
    private long generated;

    private record Request(long regionId, Consumer<GeneratedSnapshot> done) {
    }

    /** A manager of {@code root} on {@code fs}, generating from the store's engines. */
    public SnapManager(final FileSystem fs, final Path root, final Db kvDb, final Db raftDb) throws IOException {
        this.fs = fs;
        this.root = root;
        this.kvDb = kvDb;
        this.raftDb = raftDb;
        fs.createDirectories(root);
    }

    /**
     * Deletes every snapshot directory (generated ones are regenerated on demand; received ones not yet applied
     * are useless after a restart). Call on store open, after pending applies were finished.
     */
    public void deleteAll() throws IOException {
        for (final String name : fs.list(root)) {
            if (name.startsWith("gen_") || name.startsWith("rcv_")) {
                deleteDir(fs, root.resolve(name));
            }
        }
    }

    /** The file system. */
    public FileSystem fs() {
        return fs;
    }

    /**
     * Queues the generation of a snapshot of {@code regionId} at its applied index; {@code done} gets it, or null
     * if generation failed (the caller asks again later). {@code done} runs on the generating thread.
     */
    public void requestGeneration(final long regionId, final Consumer<GeneratedSnapshot> done) {
        queue.add(new Request(regionId, done));
    }

    /** Snapshots generated so far (metrics, tests). */
    public long generatedCount() {
        return generated;
    }

    @Override
    public int doWork() {
        final Request r = queue.poll();
        if (r == null) {
            return 0;
        }
        GeneratedSnapshot g = null;
        try {
            g = generate(r.regionId());
            generated++;
        } catch (final IOException | RuntimeException e) {
            LOG.warn("event=snapshot_generation_failed region={} error=\"{}\"", r.regionId(), e.toString());
        }
        r.done().accept(g);
        return 1;
    }

    /** Writes a snapshot of {@code regionId}'s data at the applied index (consistent: one engine snapshot). */
    GeneratedSnapshot generate(final long regionId) throws IOException {
        try (org.tinykv.lsm.Snapshot snap = kvDb.getSnapshot()) {
            final ReadOptions ro = ReadOptions.builder().snapshot(snap).build();
            final RegionLocalState rs = RegionLocalState.parseFrom(
                    require(kvDb.get(ro, Keys.META_CF, Keys.regionStateKey(regionId)), "region state", regionId));
            final RaftApplyState as = RaftApplyState.parseFrom(
                    require(kvDb.get(ro, Keys.META_CF, Keys.applyStateKey(regionId)), "apply state", regionId));
            final long index = as.getAppliedIndex();
            final long term;
            if (index == as.getTruncatedState().getIndex()) {
                term = as.getTruncatedState().getTerm();
            } else {
                term = Entry.parseFrom(require(raftDb.get(Keys.META_CF, Keys.raftLogKey(regionId, index)),
                        "raft log entry " + index, regionId)).getTerm();
            }
            final Region region = rs.getRegion();
            final Path dir = root.resolve("gen_" + regionId + "_" + term + "_" + index);
            deleteDir(fs, dir);
            fs.createDirectories(dir);
            final SnapshotMeta.Builder meta = SnapshotMeta.newBuilder();
            long total = 0;
            for (final Cf cf : DATA_CFS) {
                final SnapshotCFFile f = writeCf(snap, cf, region, dir);
                if (f != null) {
                    meta.addCfFiles(f);
                    total += f.getSize();
                }
            }
            final ConfState.Builder cs = ConfState.newBuilder();
            for (final Peer p : region.getPeersList()) {
                cs.addNodes(p.getId());
            }
            final RaftSnapshotData data = RaftSnapshotData.newBuilder().setRegion(region).setFileSize(total)
                    .setMeta(meta).build();
            final Snapshot s = Snapshot.newBuilder().setData(data.toByteString()).setMetadata(
                    SnapshotMetadata.newBuilder().setConfState(cs).setIndex(index).setTerm(term)).build();
            return new GeneratedSnapshot(s, region, new SnapshotFiles(fs, dir, meta.build()));
        }
    }

    private static byte[] require(final byte[] v, final String what, final long regionId) throws IOException {
        if (v == null) {
            throw new IOException("region " + regionId + ": " + what + " missing");
        }
        return v;
    }

    private SnapshotCFFile writeCf(final org.tinykv.lsm.Snapshot snap, final Cf cf, final Region region,
                                   final Path dir) throws IOException {
        final ReadOptions ro = ReadOptions.builder().snapshot(snap).fillCache(false)
                .lowerBound(Keys.dataKey(region.getStartKey().toByteArray()))
                .upperBound(Keys.dataEndKey(region.getEndKey().toByteArray())).build();
        final Path path = dir.resolve(cf.cfName() + ".sst");
        SstFileWriter w = null;
        try (DbIterator it = kvDb.newIterator(ro, cf)) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                if (w == null) {
                    w = SstFileWriter.open(fs, path);
                }
                w.put(it.key(), it.value());
            }
            if (w == null) {
                return null;
            }
            w.finish();
        } finally {
            if (w != null) {
                w.close();
            }
        }
        return SnapshotCFFile.newBuilder().setCf(cf.cfName()).setSize(fs.size(path)).setChecksum(crc(fs, path))
                .build();
    }

    /** Where a received snapshot of {@code regionId} at {@code term}/{@code index} is kept. */
    public SnapshotFiles receivedFiles(final long regionId, final Snapshot s) throws CorruptionException {
        final RaftSnapshotData data = parseData(s);
        return new SnapshotFiles(fs, root.resolve("rcv_" + regionId + "_" + s.getMetadata().getTerm() + "_"
                + s.getMetadata().getIndex()), data.getMeta());
    }

    /** True if every file of {@code files} exists with its recorded size (checksums are verified on apply). */
    public static boolean present(final SnapshotFiles files) {
        try {
            for (final SnapshotCFFile f : files.meta().getCfFilesList()) {
                final Path p = files.path(f);
                if (!files.fs().exists(p) || files.fs().size(p) != f.getSize()) {
                    return false;
                }
            }
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    /**
     * Copies {@code src} into {@code dst}'s directory (replacing what is there), verifying sizes and checksums
     * while copying. Returns false (leaving no partial files) if a source file is missing or does not match.
     */
    public static boolean copyVerified(final SnapshotFiles src, final SnapshotFiles dst) {
        try {
            deleteDir(dst.fs(), dst.dir());
            dst.fs().createDirectories(dst.dir());
            for (final SnapshotCFFile f : src.meta().getCfFilesList()) {
                final int crc = copy(src.fs(), src.path(f), dst.fs(), dst.path(f));
                if (crc != f.getChecksum() || dst.fs().size(dst.path(f)) != f.getSize()) {
                    deleteDir(dst.fs(), dst.dir());
                    return false;
                }
            }
            dst.fs().syncDir(dst.dir());
            return true;
        } catch (final IOException e) {
            LOG.warn("event=snapshot_copy_failed dir={} error=\"{}\"", dst.dir(), e.toString());
            try {
                deleteDir(dst.fs(), dst.dir());
            } catch (final IOException again) {
                LOG.warn("event=snapshot_cleanup_failed dir={}", dst.dir(), again);
            }
            return false;
        }
    }

    /** Verifies every file's size and crc32c; throws {@link CorruptionException} naming the first bad file. */
    public static void verify(final SnapshotFiles files) throws IOException {
        for (final SnapshotCFFile f : files.meta().getCfFilesList()) {
            final Path p = files.path(f);
            if (!files.fs().exists(p)) {
                throw new CorruptionException(p.toString(), 0, "snapshot file missing");
            }
            final long size = files.fs().size(p);
            if (size != f.getSize()) {
                throw new CorruptionException(p.toString(), size, "snapshot file size " + size + " != "
                        + f.getSize());
            }
            final int crc = crc(files.fs(), p);
            if (crc != f.getChecksum()) {
                throw new CorruptionException(p.toString(), 0, "snapshot file crc32c mismatch: "
                        + Integer.toHexString(crc) + " != " + Integer.toHexString(f.getChecksum()));
            }
        }
    }

    /** Copies one file; returns the crc32c of the bytes copied. */
    static int copy(final FileSystem sfs, final Path src, final FileSystem dfs, final Path dst) throws IOException {
        final CRC32C crc = new CRC32C();
        final byte[] buf = new byte[CHUNK];
        try (RandomAccessFile in = sfs.openRandomAccess(src); WritableFile out = dfs.create(dst)) {
            final long size = in.size();
            long pos = 0;
            while (pos < size) {
                final int n = in.read(pos, buf, 0, (int) Math.min(buf.length, size - pos));
                if (n <= 0) {
                    throw new CorruptionException(src.toString(), pos, "short read");
                }
                crc.update(buf, 0, n);
                out.append(buf, 0, n);
                pos += n;
            }
            out.sync();
        }
        return (int) crc.getValue();
    }

    /** The crc32c of a whole file. */
    static int crc(final FileSystem fs, final Path p) throws IOException {
        final CRC32C crc = new CRC32C();
        final byte[] buf = new byte[CHUNK];
        try (RandomAccessFile in = fs.openRandomAccess(p)) {
            final long size = in.size();
            long pos = 0;
            while (pos < size) {
                final int n = in.read(pos, buf, 0, (int) Math.min(buf.length, size - pos));
                if (n <= 0) {
                    throw new CorruptionException(p.toString(), pos, "short read");
                }
                crc.update(buf, 0, n);
                pos += n;
            }
        }
        return (int) crc.getValue();
    }

    /** Deletes a snapshot directory and its files, if present. */
    public static void deleteDir(final FileSystem fs, final Path dir) throws IOException {
        if (!fs.exists(dir)) {
            return;
        }
        for (final String name : fs.list(dir)) {
            fs.delete(dir.resolve(name));
        }
        fs.delete(dir);
    }

    /** Deletes a snapshot's files, logging instead of failing (garbage is harmless). */
    public static void deleteQuietly(final SnapshotFiles files) {
        try {
            deleteDir(files.fs(), files.dir());
        } catch (final IOException e) {
            LOG.warn("event=snapshot_delete_failed dir={} error=\"{}\"", files.dir(), e.toString());
        }
    }

    /** The {@code RaftSnapshotData} of a snapshot. */
    public static RaftSnapshotData parseData(final Snapshot s) throws CorruptionException {
        try {
            return RaftSnapshotData.parseFrom(s.getData());
        } catch (final InvalidProtocolBufferException e) {
            throw new CorruptionException("snapshot", 0, "bad snapshot data: " + e.getMessage());
        }
    }

    @Override
    public String roleName() {
        return "snap-manager";
    }
}
