package org.tinykv.scheduler.status;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.tinykv.proto.metapb.StoreState;
import org.tinykv.scheduler.cluster.ClusterState;
import org.tinykv.scheduler.cluster.InvalidRequestException;
import org.tinykv.scheduler.cluster.StoreInfo;
import org.tinykv.scheduler.cluster.StoreRegionStats;
import org.tinykv.scheduler.operator.Operator;
import org.tinykv.scheduler.operator.OperatorController;
import org.tinykv.scheduler.operator.OperatorState;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The HTTP status server (JDK httpserver, one thread): {@code GET /metrics} in the Prometheus text format and
 * {@code GET /status} as JSON (cluster id, stores with leader/region counts and sizes, region count, running
 * operators), and {@code POST /store/<id>?state=...} to change a store's state. Thread-safe; {@link #close()} stops it.
 */
public final class StatusServer implements AutoCloseable {

    private final HttpServer http;
    private final ClusterState cluster;
    private final OperatorController oc;
    private final SchedulerMetrics metrics;

    /** Binds {@code host:port} (port 0 picks a free one) and starts serving. */
    public StatusServer(String host, int port, ClusterState cluster, OperatorController oc, SchedulerMetrics metrics)
            throws IOException {
        this.cluster = cluster;
        this.oc = oc;
        this.metrics = metrics;
        this.http = HttpServer.create(new InetSocketAddress(host, port), 16);
        http.createContext("/metrics", ex -> respond(ex, "text/plain; version=0.0.4", metricsText()));
        http.createContext("/status", ex -> respond(ex, "application/json", statusJson()));
        http.createContext("/store/", this::storeState);
        http.start();
    }

    /** Returns the bound port. */
    public int port() {
        return http.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        int code = "GET".equals(ex.getRequestMethod()) ? 200 : 405;
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, code == 200 ? b.length : -1);
        try (OutputStream os = ex.getResponseBody()) {
            if (code == 200) {
                os.write(b);
            }
        }
    }

    /**
     * {@code POST /store/<id>?state=Up|Offline|Tombstone}: the administrative store state change (drain a store
     * with Offline; Tombstone only once it holds no replica). Answers 200 with the new state, 400 or 404 with
     * the reason.
     */
    private void storeState(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getQuery();
        int code;
        String body;
        try {
            if (!"POST".equals(ex.getRequestMethod())) {
                throw new IllegalArgumentException("use POST /store/<id>?state=Up|Offline|Tombstone");
            }
            long id = Long.parseLong(path.substring("/store/".length()));
            if (query == null || !query.startsWith("state=")) {
                throw new IllegalArgumentException("missing ?state=Up|Offline|Tombstone");
            }
            StoreState state = switch (query.substring("state=".length())) {
                case "Up" -> StoreState.Up;
                case "Offline" -> StoreState.Offline;
                case "Tombstone" -> StoreState.Tombstone;
                default -> throw new IllegalArgumentException("unknown state " + query.substring(6));
            };
            if (state == StoreState.Tombstone && cluster.regionStats(id).regionCount() > 0) {
                throw new IllegalArgumentException("store " + id + " still holds replicas; set it Offline first");
            }
            cluster.setStoreState(id, state);
            code = 200;
            body = "{\"id\":" + id + ",\"state\":\"" + state.name() + "\"}";
        } catch (NumberFormatException e) {
            code = 400;
            body = "bad store id in " + path;
        } catch (IllegalArgumentException e) {
            code = 400;
            body = e.getMessage();
        } catch (InvalidRequestException e) {
            code = 404;
            body = e.getMessage();
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    /** Renders the Prometheus text exposition. */
    public String metricsText() {
        StringBuilder sb = new StringBuilder();
        counter(sb, "tinyscheduler_tso_requests_total", "Tso requests answered", metrics.tsoRequests.sum());
        counter(sb, "tinyscheduler_tso_timestamps_total", "Timestamps handed out", metrics.tsoTimestamps.sum());
        counter(sb, "tinyscheduler_region_heartbeats_total", "Region heartbeats received",
                metrics.regionHeartbeats.sum());
        counter(sb, "tinyscheduler_region_heartbeat_errors_total", "Region heartbeats refused",
                metrics.regionHeartbeatErrors.sum());
        counter(sb, "tinyscheduler_store_heartbeats_total", "Store heartbeats received",
                metrics.storeHeartbeats.sum());
        counter(sb, "tinyscheduler_ids_allocated_total", "Ids allocated", metrics.idsAllocated.sum());
        counter(sb, "tinyscheduler_cluster_id_mismatches_total", "Requests with a wrong cluster id",
                metrics.clusterIdMismatches.sum());
        counter(sb, "tinyscheduler_operators_created_total", "Operators created", oc.createdCount());
        sb.append("# HELP tinyscheduler_operators_finished_total Operators finished, by state\n");
        sb.append("# TYPE tinyscheduler_operators_finished_total counter\n");
        for (OperatorState s : OperatorState.values()) {
            if (s != OperatorState.RUNNING) {
                sb.append("tinyscheduler_operators_finished_total{state=\"").append(s.name().toLowerCase())
                        .append("\"} ").append(oc.finishedCount(s)).append('\n');
            }
        }
        gauge(sb, "tinyscheduler_operators_running", "Running operators", oc.runningOperators().size());
        gauge(sb, "tinyscheduler_regions", "Known regions", cluster.regionCount());
        gauge(sb, "tinyscheduler_stores", "Known stores", cluster.stores().size());
        sb.append("# HELP tinyscheduler_store_leaders Leaders per store\n# TYPE tinyscheduler_store_leaders gauge\n");
        StringBuilder regions = new StringBuilder(
                "# HELP tinyscheduler_store_regions Regions per store\n# TYPE tinyscheduler_store_regions gauge\n");
        for (StoreInfo s : cluster.stores()) {
            StoreRegionStats st = cluster.regionStats(s.id());
            sb.append("tinyscheduler_store_leaders{store=\"").append(s.id()).append("\"} ")
                    .append(st.leaderCount()).append('\n');
            regions.append("tinyscheduler_store_regions{store=\"").append(s.id()).append("\"} ")
                    .append(st.regionCount()).append('\n');
        }
        return sb.append(regions).toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(v).append('\n');
    }

    /** Renders the JSON status document. */
    public String statusJson() {
        StringBuilder sb = new StringBuilder("{\"cluster_id\":").append(Long.toUnsignedString(cluster.clusterId()))
                .append(",\"bootstrapped\":").append(cluster.isBootstrapped())
                .append(",\"region_count\":").append(cluster.regionCount()).append(",\"stores\":[");
        List<StoreInfo> stores = cluster.stores();
        for (int i = 0; i < stores.size(); i++) {
            StoreInfo s = stores.get(i);
            StoreRegionStats st = cluster.regionStats(s.id());
            sb.append(i == 0 ? "" : ",").append("{\"id\":").append(s.id()).append(",\"address\":")
                    .append(quote(s.meta().getAddress())).append(",\"state\":").append(quote(s.meta().getState()
                            .name())).append(",\"leader_count\":").append(st.leaderCount())
                    .append(",\"region_count\":").append(st.regionCount()).append(",\"leader_size_mib\":")
                    .append(st.leaderSize()).append(",\"region_size_mib\":").append(st.regionSize())
                    .append(",\"last_heartbeat_ms\":").append(s.lastHeartbeatMillis()).append('}');
        }
        sb.append("],\"operators\":[");
        List<Operator> ops = oc.runningOperators();
        for (int i = 0; i < ops.size(); i++) {
            Operator op = ops.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"region_id\":").append(op.regionId()).append(",\"kind\":")
                    .append(quote(op.kind().label())).append(",\"desc\":").append(quote(op.desc()))
                    .append(",\"step\":").append(op.currentStep()).append(",\"steps\":")
                    .append(quote(op.steps().toString())).append('}');
        }
        return sb.append("]}").toString();
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
