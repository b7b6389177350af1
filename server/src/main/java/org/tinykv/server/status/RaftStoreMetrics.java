package org.tinykv.server.status;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinykv.multiraft.fsm.PeerStatus;
import org.tinykv.multiraft.fsm.StoreMetrics;
import org.tinykv.multiraft.operation.heartbeat.RegionHeartbeats;
import org.tinykv.multiraft.store.Store;
import org.tinykv.proto.metapb.Peer;

/**
 * The replicated store's part of {@code /metrics} ({@code tinykv_raftstore_*}) and of {@code /status} (one entry
 * per region). The raft log lag of a peer is its last log index minus its applied index; the log kept is its
 * applied index minus its truncated index (bounded by raft log GC). The fsync batch size is
 * {@code tinykv_raftstore_raft_synced_peers_total / tinykv_raftstore_raft_fsyncs_total}.
 */
public final class RaftStoreMetrics {

    private RaftStoreMetrics() {
    }

    /** The samples of {@code store}. */
    public static List<Sample> samples(final Store store) {
        final StoreMetrics m = store.metrics();
        final List<Sample> out = new ArrayList<>();
        out.add(Sample.counter("tinykv_raftstore_proposals_total", "Commands handed to region peers.",
            m.proposals()));
        out.add(Sample.counter("tinykv_raftstore_local_reads_total",
            "Reads a leader answered on the calling thread under its lease, without a raft-worker round.",
            m.localReads()));
        out.add(Sample.counter("tinykv_raftstore_commands_total", "Commands answered.", m.commandsAnswered()));
        out.add(Sample.counter("tinykv_raftstore_command_errors_total", "Commands answered with a region error.",
            m.commandErrors()));
        out.add(Sample.counter("tinykv_raftstore_command_seconds_total",
            "Seconds from proposal to answer, summed over the answered commands.", m.commandNanos() / 1e9));
        out.add(Sample.counter("tinykv_raftstore_raft_fsyncs_total", "Synced raft-engine writes.",
            m.raftSyncedWrites()));
        out.add(Sample.counter("tinykv_raftstore_raft_synced_peers_total",
            "Peers whose appends those writes carried.", m.raftSyncedPeers()));
        out.add(Sample.counter("tinykv_raftstore_raft_messages_received_total", "Raft messages stepped.",
            m.raftMessagesReceived()));
        out.add(Sample.counter("tinykv_raftstore_snapshots_sent_total", "Snapshots acknowledged by receivers.",
            m.snapshotsSent()));
        out.add(Sample.counter("tinykv_raftstore_snapshot_send_failures_total", "Snapshot transfers that failed.",
            m.snapshotsSendFailed()));
        out.add(Sample.counter("tinykv_raftstore_snapshots_received_total", "Snapshots received intact.",
            m.snapshotsReceived()));
        out.add(Sample.counter("tinykv_raftstore_snapshots_rejected_total", "Snapshots refused on receipt.",
            m.snapshotsRejected()));
        long leaders = 0;
        long hibernating = 0;
        long maxLag = 0;
        long maxKept = 0;
        final List<PeerStatus> peers = store.peerStatuses();
        for (PeerStatus p : peers) {
            leaders += p.leader() ? 1 : 0;
            hibernating += p.hibernating() ? 1 : 0;
            maxLag = Math.max(maxLag, p.lastIndex() - p.appliedIndex());
            maxKept = Math.max(maxKept, p.appliedIndex() - p.truncatedIndex());
        }
        out.add(Sample.gauge("tinykv_raftstore_regions", "Regions with a peer on this store.", peers.size()));
        out.add(Sample.gauge("tinykv_raftstore_leaders", "Regions led by this store.", leaders));
        out.add(Sample.gauge("tinykv_raftstore_hibernating_regions",
            "Regions that stopped ticking on this store because they have nothing to do.", hibernating));
        out.add(Sample.gauge("tinykv_raftstore_raft_log_lag_max",
            "The largest last-minus-applied index over this store's peers.", maxLag));
        out.add(Sample.gauge("tinykv_raftstore_raft_log_kept_max",
            "The largest applied-minus-truncated index over this store's peers.", maxKept));
        return out;
    }

    /** One JSON-ready map per region: id, range, epoch, peers, leader, indexes and approximate size. */
    public static List<Map<String, Object>> regions(final Store store) {
        final List<Map<String, Object>> out = new ArrayList<>();
        for (PeerStatus p : store.peerStatuses()) {
            final Map<String, Object> r = new LinkedHashMap<>();
            r.put("id", p.region().getId());
            r.put("start_key", hex(p.region().getStartKey().toByteArray()));
            r.put("end_key", hex(p.region().getEndKey().toByteArray()));
            r.put("conf_ver", p.region().getRegionEpoch().getConfVer());
            r.put("version", p.region().getRegionEpoch().getVersion());
            final List<Map<String, Object>> peers = new ArrayList<>();
            for (Peer peer : p.region().getPeersList()) {
                final Map<String, Object> pm = new LinkedHashMap<>();
                pm.put("id", peer.getId());
                pm.put("store_id", peer.getStoreId());
                peers.add(pm);
            }
            r.put("peers", peers);
            r.put("peer_id", p.peerId());
            r.put("leader_peer_id", p.leaderPeerId());
            r.put("is_leader", p.leader());
            r.put("term", p.term());
            r.put("commit_index", p.commitIndex());
            r.put("applied_index", p.appliedIndex());
            r.put("last_index", p.lastIndex());
            r.put("truncated_index", p.truncatedIndex());
            r.put("raft_log_bytes", p.logBytes());
            r.put("hibernating", p.hibernating());
            r.put("approximate_size", RegionHeartbeats.approximateSize(store.engines().kv(), p.region()));
            out.add(r);
        }
        return out;
    }

    private static String hex(final byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
