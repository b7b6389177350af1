/**
 * A store: the kv and raft engines on one data dir, the peers loaded from disk, the workers that drive them
 * (raft, apply, snapshot generation), and the command entry point the server uses. Stage 2 adds raft log GC, SST
 * snapshots, conf changes and peers created on demand. Stage 1 bootstrap is static ({@link
 * org.tinykv.multiraft.store.Bootstrap}); bootstrap through the scheduler comes later.
 *
 * <p>Wiring (what the server does):
 * <pre>
 *   Bootstrap.bootstrapStore(fs, dir, clusterId, storeId, Bootstrap.firstRegion(1, storeIds, peerIds), cfg);
 *   Store store = Store.open(fs, dir, cfg, transport, SystemEpochClock.INSTANCE);
 *   grpcRaftService.onMessage(store::onRaftMessage);   // messages from other stores
 *   grpcSnapshotService.onSnapshot(store::receiveSnapshot); // MsgSnapshot + its files written by the stream
 *   store.start();                                     // raft + apply worker threads
 *   store.propose(raftCmdRequest, (response, regionSnapshot) -&gt; ...);   // runs on a worker thread
 * </pre>
 */
package org.tinykv.multiraft.store;
