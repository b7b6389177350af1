package org.tinykv.tools.bench.raw;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the samples of a server's Prometheus {@code /metrics} page by series ({@code name} or
 * {@code name{labels}}), so that a benchmark can report server-side numbers (fsyncs, writes per fsync) measured
 * over its run.
 */
public final class ServerMetricsProbe {

    /** The engine's WAL fsync counter exported by tinykv-server. */
    public static final String FSYNCS = "tinykv_engine_wal_fsyncs_total";
    /** The engine's write-batch counter exported by tinykv-server. */
    public static final String WRITES = "tinykv_engine_write_batches_total";
    /** A replicated store's raft-engine fsyncs (each persists the raft log appends of a worker round). */
    public static final String RAFT_FSYNCS = "tinykv_engine_wal_fsyncs_total{engine=\"raft\"}";
    /** A replicated store's kv-engine fsyncs. */
    public static final String KV_FSYNCS = "tinykv_engine_wal_fsyncs_total{engine=\"kv\"}";

    /** CPU seconds used by a tinykv-server process. */
    public static final String CPU_SECONDS = "tinykv_process_cpu_seconds_total";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;

    /** Creates a probe of {@code http://statusAddr/metrics}. */
    public ServerMetricsProbe(final String statusAddr) {
        this.uri = URI.create("http://" + statusAddr + "/metrics");
    }

    /**
     * Fetches the page and returns its samples by series.
     *
     * @throws IOException if the page cannot be fetched or does not answer 200
     */
    public Map<String, Double> scrape() throws IOException {
        final HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + uri, e);
        }
        if (response.statusCode() != 200) {
            throw new IOException(uri + " answered HTTP " + response.statusCode());
        }
        return parse(response.body());
    }

    /**
     * The samples of every probe summed by series; null (after telling {@code err} why) if there are no probes or
     * one cannot be read.
     */
    public static Map<String, Double> scrapeAll(final List<ServerMetricsProbe> probes, final PrintStream err) {
        if (probes.isEmpty()) {
            return null;
        }
        final Map<String, Double> sum = new HashMap<>();
        for (final ServerMetricsProbe probe : probes) {
            try {
                probe.scrape().forEach((name, v) -> sum.merge(name, v, Double::sum));
            } catch (IOException e) {
                err.println("tinykv-bench: cannot read server metrics: " + e.getMessage());
                return null;
            }
        }
        return sum;
    }

    /**
     * The servers' CPU microseconds per operation between two {@link #scrapeAll}s, or null if they do not export
     * {@link #CPU_SECONDS} or nothing was done.
     */
    public static Double cpuMicrosPerOp(final Map<String, Double> before, final Map<String, Double> after,
                                        final long ops) {
        final Double c0 = before.get(CPU_SECONDS);
        final Double c1 = after.get(CPU_SECONDS);
        if (c0 == null || c1 == null || ops <= 0) {
            return null;
        }
        return (c1 - c0) * 1e6 / ops;
    }

    /** Parses the lines {@code series value} of a Prometheus text page; comments are skipped. */
    static Map<String, Double> parse(final String text) {
        final Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            final int close = line.indexOf('}');
            final int space = line.indexOf(' ', close < 0 ? 0 : close);
            if (space <= 0) {
                continue;
            }
            try {
                out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1).trim()));
            } catch (NumberFormatException e) {
                // not a sample line; skip it
            }
        }
        return out;
    }
}
