package org.tinykv.lsm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tinykv.lsm.compaction.TableOutput;
import org.tinykv.lsm.memtable.Memtable;
import org.tinykv.lsm.version.FileMetadata;
import org.tinykv.lsm.version.FileNames;
import org.tinykv.lsm.version.Version;
import org.tinykv.lsm.version.VersionEdit;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.WritableFile;
import org.tinykv.wal.record.RecordReader;
import org.tinykv.wal.record.RecoveryMode;

/**
 * Opening a Db: load or create the manifest, replay every WAL file at or after the manifest's log number into
 * memtables, write them as level-0 tables, start a new WAL, record all of it in one manifest edit, write the
 * OPTIONS file and delete what is obsolete. A torn record at the end of a WAL (never acknowledged as synced) is
 * dropped; any other bad record is a {@link CorruptionException}.
 *
 * <p>Thread-safety: runs on the opening thread before the Db is shared.
 */
final class Recovery {

    private Recovery() {
    }

    static void recover(final Db db) throws IOException {
        if (db.versions.exists()) {
            db.versions.recover();
        } else {
            db.versions.create();
        }
        final List<Long> logs = new ArrayList<>();
        for (final String name : db.fs.list(db.dir)) {
            final FileNames.Parsed p = FileNames.parse(name);
            if (p.number() >= 0) {
                db.versions.markFileNumberUsed(p.number());
            }
            if (p.kind() == FileNames.Kind.LOG && p.number() >= db.versions.logNumber()) {
                logs.add(p.number());
            }
        }
        logs.sort(Long::compare);
        db.resetMemtables();
        final VersionEdit edit = new VersionEdit();
        final List<Long> outputs = new ArrayList<>();
        long maxSeq = db.versions.lastSequence();
        try {
            for (final long number : logs) {
                maxSeq = Math.max(maxSeq, replay(db, number, edit, outputs));
            }
            flushAll(db, edit, outputs);
            final long newLog = db.versions.newFileNumber();
            final WritableFile logFile = db.fs.createLog(FileNames.log(db.dir, newLog));
            db.fs.syncDir(db.dir);
            db.log = new WalFile(logFile);
            db.logNumber = newLog;
            edit.logNumber(newLog).lastSequence(maxSeq);
            db.versions.logAndApply(edit, db.versions::install);
            db.versions.setLastSequence(maxSeq);
        } finally {
            db.background.releaseOutputs(outputs);
        }
        writeOptionsFile(db);
        db.background.deleteObsoleteFiles();
        db.mutex.lock();
        try {
            db.publishSuperVersion();
            db.background.maybeScheduleCompaction();
        } finally {
            db.mutex.unlock();
        }
    }

    private static long replay(final Db db, final long number, final VersionEdit edit, final List<Long> outputs)
        throws IOException {
        final Path path = FileNames.log(db.dir, number);
        long maxSeq = -1;
        try (RecordReader reader = new RecordReader(db.fs.openRandomAccess(path),
            RecoveryMode.TOLERATE_CORRUPTED_TAIL)) {
            byte[] rec;
            while ((rec = reader.next()) != null) {
                final long offset = reader.lastRecordOffset();
                final int n = WriteBatch.decodeRanges(rec, rec.length, path.toString(), offset,
                    (seq, kind, cfId, src, keyOff, keyLen, valueOff, valueLen) -> {
                        final Memtable m = db.mem[cfId];
                        if (m == null) {
                            throw new CorruptionException(path.toString(), offset,
                                "write to column family " + cfId + " which is not open");
                        }
                        m.add(seq, kind, src, keyOff, keyLen, src, valueOff, valueLen);
                    });
                if (n > 0) {
                    maxSeq = Math.max(maxSeq, org.tinykv.wal.codec.Fixed.getLong(rec, 0) + n - 1);
                }
                boolean full = false;
                for (final Memtable m : db.mem) {
                    full |= m != null && m.approximateMemoryBytes() >= db.options.memtableBytes();
                }
                if (full) {
                    flushAll(db, edit, outputs);
                }
            }
        }
        return maxSeq;
    }

    private static void flushAll(final Db db, final VersionEdit edit, final List<Long> outputs)
        throws IOException {
        for (int cf = 0; cf < Version.MAX_CFS; cf++) {
            final Memtable m = db.mem[cf];
            if (m != null && !m.isEmpty()) {
                final TableOutput out = db.background.writeMemtable(m, cf);
                outputs.addAll(out.createdFiles());
                for (final FileMetadata f : out.finish()) {
                    edit.add(cf, 0, f);
                }
            }
        }
        db.resetMemtables();
    }

    private static void writeOptionsFile(final Db db) throws IOException {
        final long number = db.versions.newFileNumber();
        final StringBuilder sb = new StringBuilder();
        final DbOptions o = db.options;
        sb.append("# TinyKV lsm options, written at open; informational.\n[db]\n");
        sb.append("column_families = [");
        for (int i = 0; i < db.cfIds.length; i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(Cf.fromId(db.cfIds[i]).cfName()).append('"');
        }
        sb.append("]\n");
        sb.append("memtable_bytes = ").append(o.memtableBytes()).append('\n');
        sb.append("max_immutable_memtables = ").append(o.maxImmutableMemtables()).append('\n');
        sb.append("block_cache_bytes = ").append(o.blockCacheBytes()).append('\n');
        sb.append("l0_compaction_trigger = ").append(o.l0CompactionTrigger()).append('\n');
        sb.append("l0_slowdown_trigger = ").append(o.l0SlowdownTrigger()).append('\n');
        sb.append("l0_stop_trigger = ").append(o.l0StopTrigger()).append('\n');
        sb.append("max_bytes_for_level_base = ").append(o.maxBytesForLevelBase()).append('\n');
        sb.append("level_multiplier = ").append(o.levelMultiplier()).append('\n');
        sb.append("target_file_bytes = ").append(o.targetFileBytes()).append('\n');
        sb.append("max_open_files = ").append(o.maxOpenFiles()).append('\n');
        for (final int cf : db.cfIds) {
            final Cf c = Cf.fromId(cf);
            sb.append("\n[cf.").append(c.cfName()).append("]\n");
            sb.append("block_size = ").append(o.tableOptions(c, 0).blockSize()).append('\n');
            sb.append("bloom_bits_per_key = ").append(o.tableOptions(c, 0).bloomBitsPerKey()).append('\n');
            sb.append("compression_per_level = [");
            for (int l = 0; l < Version.NUM_LEVELS; l++) {
                sb.append(l == 0 ? "" : ", ").append('"')
                    .append(o.tableOptions(c, l).compression().name().toLowerCase(java.util.Locale.ROOT)).append('"');
            }
            sb.append("]\n");
        }
        final byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        try (WritableFile f = db.fs.create(FileNames.options(db.dir, number))) {
            f.append(bytes, 0, bytes.length);
            f.sync();
        }
        db.fs.syncDir(db.dir);
        db.optionsNumber = number;
    }
}
