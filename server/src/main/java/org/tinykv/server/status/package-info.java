/**
 * Observability of a running server: gRPC request counters and latency histograms per method
 * ({@link org.tinykv.server.status.GrpcMetrics}, filled by {@link org.tinykv.server.status.MetricsInterceptor}) and
 * the HTTP status server ({@link org.tinykv.server.status.StatusServer}) with Prometheus text at {@code /metrics}
 * and JSON at {@code /status}.
 */
package org.tinykv.server.status;
