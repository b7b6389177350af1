/**
 * Concurrent workloads over any {@link org.tinykv.txn.TxnApi}: a bank that must keep its total at every snapshot,
 * and randomized transactions checked for snapshot isolation. Run in-process here and through gRPC by the server
 * module's ITs (via this module's test-jar).
 */
package org.tinykv.txn.workload;
