/**
 * A store: the kv and raft engines on one data dir, the peers loaded from disk, the workers that drive them
 * (raft, apply, snapshot generation), and the command entry point the server uses. Stage 2 adds raft log GC, SST
 * snapshots, conf changes and peers created on demand. Stage 1 bootstrap is static ({@link
 * org.tinykv.multiraft.store.Bootstrap}); stage 3 adds bootstrap through the scheduler ({@link
 * org.tinykv.multiraft.store.SchedulerBootstrap}), heartbeats, operators and region split.
 *
 * <p>Wiring (what the server does):
 * <pre>
 *   SchedulerBootstrap.prepare(fs, dir, clusterId, address, schedulerClient, cfg);
 *   Store store = Store.open(fs, dir, cfg, transport, () -&gt; System.nanoTime() / 1_000_000, schedulerClient,
 *           HeartbeatConfig.defaults(), SplitConfig.defaults());   // a monotonic millisecond clock
 *   grpcRaftService.onMessage(store::onRaftMessage);   // messages from other stores
 *   grpcSnapshotService.onSnapshot(store::receiveSnapshot); // MsgSnapshot + its files written by the stream
 *   store.start();                                     // raft + apply worker threads
 *   store.propose(raftCmdRequest, (response, regionSnapshot) -&gt; ...);   // a worker thread, or the caller's
 *                                                                         // for a read under the leader's lease
 * </pre>
 */
package org.tinykv.multiraft.store;
