/**
 * {@code tinykv-bench txn}: read-modify-write Percolator transactions (KvGet, KvPrewrite, KvCommit, resolving the
 * locks met) against a TinyKV-compatible server over gRPC, with timestamps from a scheduler's TSO or a local
 * clock-based oracle.
 */
package org.tinykv.tools.bench.txn;
