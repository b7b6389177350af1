/** On-demand benchmarks of the scheduler (not tests): TSO throughput/latency and region heartbeat throughput. */
package org.tinykv.scheduler.bench;
