/**
 * {@code tinykv-bench raw}: put, get and mixed workloads over the raw gRPC API (RawPut, RawGet) of any
 * TinyKV-compatible server, with progress lines while running and HdrHistogram latency percentiles at the end.
 */
package org.tinykv.tools.bench.raw;
