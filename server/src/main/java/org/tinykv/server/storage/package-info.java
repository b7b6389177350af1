/**
 * Storage behind the gRPC service. {@link org.tinykv.server.storage.RawKv} is the raw API's seam, implemented by
 * the standalone storage and by the replicated store ({@code org.tinykv.server.raftkv.RaftKv}).
 * {@link org.tinykv.server.storage.StandaloneStorage} keeps a store's data in one
 * {@code lsm} engine with the column families default, lock and write, and owns the data directory's {@code LOCK}.
 */
package org.tinykv.server.storage;
