/**
 * Integration tests of the transactional API of the standalone server through real gRPC on loopback: txn's
 * command cases (from txn's test-jar) with state seeded and inspected through the raw RPCs, the concurrent bank
 * workload and the snapshot-isolation history check.
 */
package org.tinykv.server.txn;
