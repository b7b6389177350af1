package org.tinykv.server.status;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.DbStats;

class EngineMetricsTest {

    @Test
    void rendersCountersAndPerLevelGauges() {
        final DbStats stats = new DbStats(1000, 40, 12, 10, 0, 2048, 1, 5, 6, 4096, 2, 1, 300, 200, 0,
            Map.of(Cf.WRITE, List.of(new DbStats.LevelStats(0, 3, 999), new DbStats.LevelStats(1, 0, 0))), 77, 0);
        final String text = PrometheusText.render(EngineMetrics.samples(stats), new GrpcMetrics());
        assertTrue(text.contains("tinykv_engine_wal_fsyncs_total 10\n"), text);
        assertTrue(text.contains("tinykv_engine_write_batches_total 40\n"), text);
        assertTrue(text.contains("tinykv_engine_level_files{cf=\"write\",level=\"0\"} 3\n"), text);
        assertTrue(text.contains("tinykv_engine_level_bytes{cf=\"write\",level=\"0\"} 999\n"), text);
        assertTrue(text.contains("tinykv_engine_level_files{cf=\"write\",level=\"1\"} 0\n"), text);
        final int help = text.indexOf("# HELP tinykv_engine_level_files");
        assertTrue(help >= 0 && text.indexOf("# HELP tinykv_engine_level_files", help + 1) < 0,
            "one HELP line per metric name:\n" + text);
    }

    @Test
    void extraLabelsPrefixEverySeries() {
        final DbStats stats = new DbStats(1000, 40, 12, 10, 0, 2048, 1, 5, 6, 4096, 2, 1, 300, 200, 0,
            Map.of(Cf.WRITE, List.of(new DbStats.LevelStats(0, 3, 999))), 77, 0);
        final String text = PrometheusText.render(EngineMetrics.samples(stats, "engine=\"raft\""), new GrpcMetrics());
        assertTrue(text.contains("tinykv_engine_wal_fsyncs_total{engine=\"raft\"} 10\n"), text);
        assertTrue(text.contains("tinykv_engine_level_files{engine=\"raft\",cf=\"write\",level=\"0\"} 3\n"), text);
    }

    @Test
    void jsonWritesListsOfObjects() {
        final Map<String, Object> obj = new java.util.LinkedHashMap<>();
        obj.put("regions", List.of(Map.of("id", 2), Map.of("id", 7)));
        obj.put("empty", List.of());
        org.junit.jupiter.api.Assertions.assertEquals("{\"regions\":[{\"id\":2},{\"id\":7}],\"empty\":[]}\n",
            Json.write(obj));
    }
}
