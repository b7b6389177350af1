package org.tinykv.server.status;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Renders samples and gRPC metrics in the Prometheus text exposition format (version 0.0.4). */
final class PrometheusText {

    private PrometheusText() {
    }

    static String render(final List<Sample> samples, final GrpcMetrics grpc) {
        final StringBuilder out = new StringBuilder(4096);
        final Set<String> described = new HashSet<>();
        for (Sample s : samples) {
            if (described.add(s.name())) {
                out.append("# HELP ").append(s.name()).append(' ').append(s.help()).append('\n');
                out.append("# TYPE ").append(s.name()).append(' ').append(s.type()).append('\n');
            }
            out.append(s.series()).append(' ').append(number(s.value())).append('\n');
        }
        renderGrpc(out, grpc.snapshot());
        return out.toString();
    }

    private static void renderGrpc(final StringBuilder out, final Map<String, GrpcMetrics.MethodStats> methods) {
        out.append("# HELP tinykv_grpc_requests_total Finished gRPC calls by method and status code.\n");
        out.append("# TYPE tinykv_grpc_requests_total counter\n");
        methods.forEach((method, stats) -> stats.codes.forEach((code, n) ->
            out.append("tinykv_grpc_requests_total{method=\"").append(method).append("\",code=\"").append(code)
                .append("\"} ").append(n.sum()).append('\n')));
        out.append("# HELP tinykv_grpc_request_duration_seconds Latency of finished gRPC calls by method.\n");
        out.append("# TYPE tinykv_grpc_request_duration_seconds histogram\n");
        methods.forEach((method, stats) -> {
            final String prefix = "tinykv_grpc_request_duration_seconds";
            final String label = "method=\"" + method + "\"";
            long cumulative = 0;
            for (int i = 0; i < GrpcMetrics.BUCKET_SECONDS.length; i++) {
                cumulative += stats.buckets[i].sum();
                out.append(prefix).append("_bucket{").append(label).append(",le=\"")
                    .append(number(GrpcMetrics.BUCKET_SECONDS[i])).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += stats.buckets[GrpcMetrics.BUCKET_SECONDS.length].sum();
            out.append(prefix).append("_bucket{").append(label).append(",le=\"+Inf\"} ").append(cumulative)
                .append('\n');
            out.append(prefix).append("_sum{").append(label).append("} ").append(number(stats.sumNanos.sum() / 1e9))
                .append('\n');
            out.append(prefix).append("_count{").append(label).append("} ").append(stats.count.sum()).append('\n');
        });
    }

    static String number(final double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
