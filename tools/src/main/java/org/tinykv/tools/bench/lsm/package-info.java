/**
 * {@code tinykv-bench lsm}: LevelDB/RocksDB {@code db_bench}-style workloads run side by side against TinyKV's own
 * LSM engine ({@code org.tinykv.lsm.Db}) and against RocksDB through rocksdbjni with matched settings.
 *
 * <p>{@link org.tinykv.tools.bench.lsm.LsmBenchCommand} is the picocli entry point; a
 * {@link org.tinykv.tools.bench.lsm.BenchEngine} is the small surface a workload needs (put, get, cursor), with one
 * implementation per engine; {@link org.tinykv.tools.bench.lsm.WorkloadRunner} drives one workload on one engine and
 * returns a {@link org.tinykv.tools.bench.lsm.WorkloadResult}.
 */
package org.tinykv.tools.bench.lsm;
