package org.tinykv.tools.bench.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ServerMetricsProbeTest {

    @Test
    void parsesSamplesBySeries() {
        final Map<String, Double> samples = ServerMetricsProbe.parse("""
            # HELP tinykv_engine_wal_fsyncs_total x
            # TYPE tinykv_engine_wal_fsyncs_total counter
            tinykv_engine_wal_fsyncs_total 12
            tinykv_engine_write_batches_total 3.5e2
            tinykv_grpc_requests_total{method="a",code="OK b"} 9
            tinykv_engine_wal_fsyncs_total{engine="raft"} 7
            garbage
            bad value
            """);
        assertEquals(12.0, samples.get("tinykv_engine_wal_fsyncs_total"));
        assertEquals(350.0, samples.get("tinykv_engine_write_batches_total"));
        assertEquals(9.0, samples.get("tinykv_grpc_requests_total{method=\"a\",code=\"OK b\"}"));
        assertEquals(7.0, samples.get(ServerMetricsProbe.RAFT_FSYNCS));
        assertFalse(samples.containsKey("tinykv_grpc_requests_total"));
        assertEquals(4, samples.size());
    }

    @Test
    void resultLineIsMachineReadable() {
        final Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1000L);
        }
        final RawBenchResult r = new RawBenchResult(Workload.PUT, 64, 2000, 0, 0, 2_000_000_000L, h);
        assertEquals(1000.0, r.opsPerSecond());
        assertEquals("RESULT workload=put concurrency=64 ops_per_sec=1000.0 p50_us=500 p99_us=990 p999_us=999 "
            + "errors=0", r.resultLine());
    }
}
