package org.tinykv.server.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.DbStats;

/**
 * Turns the engine's {@link DbStats} into Prometheus samples named {@code tinykv_engine_*}. Group commit shows as
 * {@code tinykv_engine_write_batches_total / tinykv_engine_wal_fsyncs_total}: batches made durable per fsync.
 */
public final class EngineMetrics {

    private EngineMetrics() {
    }

    /** The samples for {@code stats}. */
    public static List<Sample> samples(final DbStats s) {
        return samples(s, "");
    }

    /**
     * The samples for {@code stats}, each carrying {@code labels} too (e.g. {@code engine="raft"} when a store has
     * more than one engine; empty for none).
     */
    public static List<Sample> samples(final DbStats s, final String labels) {
        final List<Sample> out = new ArrayList<>();
        collect(s, out);
        if (labels.isEmpty()) {
            return out;
        }
        final List<Sample> labelled = new ArrayList<>(out.size());
        for (Sample x : out) {
            labelled.add(new Sample(x.name(), x.labels().isEmpty() ? labels : labels + "," + x.labels(), x.help(),
                x.type(), x.value()));
        }
        return labelled;
    }

    private static void collect(final DbStats s, final List<Sample> out) {
        out.add(Sample.counter("tinykv_engine_wal_fsyncs_total", "WAL fsyncs.", s.fsyncs()));
        out.add(Sample.counter("tinykv_engine_write_batches_total", "Write batches committed.", s.writeBatches()));
        out.add(Sample.counter("tinykv_engine_write_groups_total",
            "WAL records written; each holds a group of batches.", s.writeGroups()));
        out.add(Sample.counter("tinykv_engine_wal_bytes_total", "Bytes of write batches written to the WAL.",
            s.bytesWritten()));
        out.add(Sample.counter("tinykv_engine_write_stalls_total", "Writes that waited for flush or compaction.",
            s.writeStalls()));
        out.add(Sample.gauge("tinykv_engine_memtable_bytes", "Bytes held by mutable and immutable memtables.",
            s.memtableBytes()));
        out.add(Sample.gauge("tinykv_engine_immutable_memtables", "Immutable memtables waiting for flush.",
            s.immutableMemtables()));
        out.add(Sample.counter("tinykv_engine_block_cache_hits_total", "Block cache hits.", s.blockCacheHits()));
        out.add(Sample.counter("tinykv_engine_block_cache_misses_total", "Block cache misses.",
            s.blockCacheMisses()));
        out.add(Sample.gauge("tinykv_engine_block_cache_bytes", "Bytes in the block cache.", s.blockCacheBytes()));
        out.add(Sample.counter("tinykv_engine_flushes_total", "Memtable flushes.", s.flushes()));
        out.add(Sample.counter("tinykv_engine_compactions_total", "Compactions, including trivial moves.",
            s.compactions()));
        out.add(Sample.counter("tinykv_engine_compaction_read_bytes_total", "Bytes read by compactions.",
            s.compactionBytesRead()));
        out.add(Sample.counter("tinykv_engine_compaction_written_bytes_total", "Bytes written by compactions.",
            s.compactionBytesWritten()));
        out.add(Sample.gauge("tinykv_engine_pending_compaction_bytes", "Bytes compactions still need to rewrite.",
            s.pendingCompactionBytes()));
        out.add(Sample.gauge("tinykv_engine_last_sequence", "The last sequence number.", s.lastSequence()));
        out.add(Sample.gauge("tinykv_engine_live_snapshots", "Snapshots not yet released.", s.liveSnapshots()));
        for (Map.Entry<Cf, List<DbStats.LevelStats>> cf : s.levels().entrySet()) {
            for (DbStats.LevelStats level : cf.getValue()) {
                final String labels = "cf=\"" + cf.getKey().cfName() + "\",level=\"" + level.level() + "\"";
                out.add(new Sample("tinykv_engine_level_files", labels, "SST files per column family and level.",
                    "gauge", level.files()));
                out.add(new Sample("tinykv_engine_level_bytes", labels, "SST bytes per column family and level.",
                    "gauge", level.bytes()));
            }
        }
    }
}
