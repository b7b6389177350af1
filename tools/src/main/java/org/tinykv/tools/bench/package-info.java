/**
 * {@code tinykv-bench}: whole-workload benchmarks. {@link org.tinykv.tools.bench.TinyKvBench} is the command; each
 * workload family is a picocli subcommand in its own subpackage ({@code raw}: the raw gRPC API of any
 * TinyKV-compatible server; {@code lsm}: the engine side by side with RocksDB).
 */
package org.tinykv.tools.bench;
