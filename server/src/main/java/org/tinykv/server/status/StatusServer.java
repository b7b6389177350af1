package org.tinykv.server.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP status server of a store: {@code GET /metrics} answers Prometheus text (the given samples followed by
 * the gRPC request counters and latency histograms), {@code GET /status} answers a JSON object. Other paths answer
 * 404, other methods 405.
 *
 * <p>Requests are served one at a time by one daemon thread; the suppliers are called on that thread.
 */
public final class StatusServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);

    private final HttpServer http;
    private final ExecutorService executor;

    private StatusServer(final HttpServer http, final ExecutorService executor) {
        this.http = http;
        this.executor = executor;
    }

    /**
     * Binds {@code address} (port 0 picks a free port) and starts serving.
     *
     * @param samples the samples to export at {@code /metrics}, computed per request
     * @param grpc    the gRPC metrics to export at {@code /metrics}
     * @param status  the object to export at {@code /status}, computed per request
     * @throws IOException if the address cannot be bound
     */
    public static StatusServer start(final InetSocketAddress address, final Supplier<List<Sample>> samples,
                                     final GrpcMetrics grpc, final Supplier<Map<String, ?>> status)
        throws IOException {
        final HttpServer http = HttpServer.create(address, 16);
        final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "status-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/metrics", exchange -> serve(exchange, "/metrics",
            "text/plain; version=0.0.4; charset=utf-8", () -> PrometheusText.render(samples.get(), grpc)));
        http.createContext("/status", exchange -> serve(exchange, "/status",
            "application/json; charset=utf-8", () -> Json.write(status.get())));
        http.createContext("/", exchange -> reply(exchange, 404, "text/plain; charset=utf-8",
            "not found; try /metrics or /status\n"));
        http.start();
        return new StatusServer(http, executor);
    }

    /** The bound port. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** Stops serving; a request in progress is cut off. */
    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    private static void serve(final HttpExchange exchange, final String path, final String contentType,
                              final Supplier<String> body) throws IOException {
        if (!path.equals(exchange.getRequestURI().getPath())) {
            reply(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return;
        }
        if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
            reply(exchange, 405, "text/plain; charset=utf-8", "only GET is allowed\n");
            return;
        }
        String text;
        int code = 200;
        try {
            text = body.get();
        } catch (RuntimeException e) {
            LOG.error("status page {} failed", path, e);
            code = 500;
            text = "internal error: " + e + "\n";
        }
        reply(exchange, code, contentType, text);
    }

    private static void reply(final HttpExchange exchange, final int code, final String contentType,
                              final String text) throws IOException {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        final boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(bytes);
            }
        }
    }
}
