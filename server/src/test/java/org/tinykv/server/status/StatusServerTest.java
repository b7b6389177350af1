package org.tinykv.server.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusServerTest {

    private static HttpResponse<String> get(final StatusServer server, final String path, final String method)
        throws IOException, InterruptedException {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesMetricsAndStatus() throws Exception {
        final GrpcMetrics grpc = new GrpcMetrics();
        grpc.record("tinykvpb.TinyKv/RawGet", "OK", 50_000);
        grpc.record("tinykvpb.TinyKv/RawGet", "OK", 3_000_000);
        grpc.record("tinykvpb.TinyKv/KvGet", "UNIMPLEMENTED", 20_000_000_000L);
        final Map<String, Object> status = new LinkedHashMap<>();
        status.put("mode", "standalone");
        status.put("path", "/tmp/a \"quoted\"\n");
        status.put("nested", Map.of("x", 1.5));
        try (StatusServer server = StatusServer.start(new InetSocketAddress("127.0.0.1", 0),
            () -> List.of(Sample.counter("tinykv_test_total", "A test counter.", 7)), grpc, () -> status)) {
            final HttpResponse<String> metrics = get(server, "/metrics", "GET");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            final String body = metrics.body();
            assertTrue(body.contains("# TYPE tinykv_test_total counter\ntinykv_test_total 7\n"), body);
            assertTrue(body.contains("tinykv_grpc_requests_total{method=\"tinykvpb.TinyKv/RawGet\",code=\"OK\"} 2"),
                body);
            assertTrue(body.contains(
                "tinykv_grpc_requests_total{method=\"tinykvpb.TinyKv/KvGet\",code=\"UNIMPLEMENTED\"} 1"), body);
            assertTrue(body.contains(
                "tinykv_grpc_request_duration_seconds_bucket{method=\"tinykvpb.TinyKv/RawGet\",le=\"0.0001\"} 1"),
                body);
            assertTrue(body.contains(
                "tinykv_grpc_request_duration_seconds_bucket{method=\"tinykvpb.TinyKv/RawGet\",le=\"0.005\"} 2"),
                body);
            assertTrue(body.contains(
                "tinykv_grpc_request_duration_seconds_bucket{method=\"tinykvpb.TinyKv/KvGet\",le=\"10\"} 0"), body);
            assertTrue(body.contains(
                "tinykv_grpc_request_duration_seconds_bucket{method=\"tinykvpb.TinyKv/KvGet\",le=\"+Inf\"} 1"), body);
            assertTrue(body.contains("tinykv_grpc_request_duration_seconds_count{method=\"tinykvpb.TinyKv/RawGet\"} 2"),
                body);
            assertEquals(2, grpc.count("tinykvpb.TinyKv/RawGet", "OK"));
            assertEquals(0, grpc.count("tinykvpb.TinyKv/RawGet", "INTERNAL"));
            assertEquals(0, grpc.count("nope", "OK"));

            final HttpResponse<String> json = get(server, "/status", "GET");
            assertEquals(200, json.statusCode());
            assertEquals("{\"mode\":\"standalone\",\"path\":\"/tmp/a \\\"quoted\\\"\\n\",\"nested\":{\"x\":1.5}}\n",
                json.body());
            assertEquals(404, get(server, "/nope", "GET").statusCode());
            assertEquals(404, get(server, "/metrics/x", "GET").statusCode());
            assertEquals(405, get(server, "/metrics", "POST").statusCode());
        }
    }

    @Test
    void aFailingSupplierGives500AndTheServerCarriesOn() throws Exception {
        try (StatusServer server = StatusServer.start(new InetSocketAddress("127.0.0.1", 0),
            () -> {
                throw new IllegalStateException("engine closed");
            }, new GrpcMetrics(), () -> Map.of("ok", true))) {
            final HttpResponse<String> metrics = get(server, "/metrics", "GET");
            assertEquals(500, metrics.statusCode());
            assertTrue(metrics.body().contains("engine closed"));
            assertEquals("{\"ok\":true}\n", get(server, "/status", "GET").body());
        }
    }
}
