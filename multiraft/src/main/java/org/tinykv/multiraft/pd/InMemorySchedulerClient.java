package org.tinykv.multiraft.pd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.schedulerpb.AskSplitResponse;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.StoreHeartbeatRequest;

/**
 * An in-process scheduler stand-in for tests and single-process clusters: ids from a counter, stores and the
 * latest heartbeat of every region and store kept in memory, no scheduling of its own. Operators are pushed by
 * the test with {@link #pushOperator}, which delivers them to every store's listener (each store acts only on the
 * regions it leads). Several stores share one instance through {@link #forStore} views, each with its own
 * listener.
 *
 * <p>Thread-safety: safe.
 */
public final class InMemorySchedulerClient {
    private final Map<Long, Store> stores = new HashMap<>();
    private final Map<Long, RegionHeartbeatRequest> regions = new HashMap<>();
    private final Map<Long, StoreHeartbeatRequest> storeBeats = new HashMap<>();
    private final List<View> views = new CopyOnWriteArrayList<>();
    private long nextId;
    private long regionBeats;
    private long storeBeatCount;
    private boolean bootstrapped;

    /** A scheduler whose first allocated id is {@code firstId}. */
    public InMemorySchedulerClient(final long firstId) {
        this.nextId = firstId;
    }

    /** A client view for one store (its own operator listener). */
    public SchedulerClient forStore() {
        final View v = new View();
        views.add(v);
        return v;
    }

    /** Delivers {@code op} to every store's listener. */
    public void pushOperator(final RegionHeartbeatResponse op) {
        for (final View v : views) {
            final Consumer<RegionHeartbeatResponse> l = v.listener;
            if (l != null) {
                l.accept(op);
            }
        }
    }

    /** The latest heartbeat of {@code regionId}, or null. */
    public synchronized RegionHeartbeatRequest lastRegionHeartbeat(final long regionId) {
        return regions.get(regionId);
    }

    /** The latest heartbeats of all regions. */
    public synchronized List<RegionHeartbeatRequest> regionHeartbeats() {
        return new ArrayList<>(regions.values());
    }

    /** The latest heartbeat of {@code storeId}, or null. */
    public synchronized StoreHeartbeatRequest lastStoreHeartbeat(final long storeId) {
        return storeBeats.get(storeId);
    }

    /** Region heartbeats received in total. */
    public synchronized long regionHeartbeatCount() {
        return regionBeats;
    }

    /** Store heartbeats received in total. */
    public synchronized long storeHeartbeatCount() {
        return storeBeatCount;
    }

    /** The registered store, or null. */
    public synchronized Store store(final long storeId) {
        return stores.get(storeId);
    }

    private synchronized long alloc() {
        return nextId++;
    }

    private synchronized void onRegionHeartbeat(final RegionHeartbeatRequest r) {
        regionBeats++;
        final RegionHeartbeatRequest old = regions.get(r.getRegion().getId());
        if (old == null || !olderEpoch(r.getRegion(), old.getRegion())) {
            regions.put(r.getRegion().getId(), r);
        }
    }

    private static boolean olderEpoch(final Region a, final Region b) {
        return a.getRegionEpoch().getVersion() < b.getRegionEpoch().getVersion()
                || a.getRegionEpoch().getConfVer() < b.getRegionEpoch().getConfVer();
    }

    /** One store's client. */
    private final class View implements SchedulerClient {
        private volatile Consumer<RegionHeartbeatResponse> listener;

        @Override
        public long allocId() {
            return alloc();
        }

        @Override
        public void putStore(final Store store) {
            synchronized (InMemorySchedulerClient.this) {
                stores.put(store.getId(), store);
            }
        }

        @Override
        public boolean isBootstrapped() {
            synchronized (InMemorySchedulerClient.this) {
                return bootstrapped;
            }
        }

        @Override
        public void bootstrap(final Store store, final Region firstRegion) throws IOException {
            synchronized (InMemorySchedulerClient.this) {
                if (bootstrapped) {
                    throw new IOException("cluster is already bootstrapped");
                }
                bootstrapped = true;
                stores.put(store.getId(), store);
                regions.put(firstRegion.getId(), RegionHeartbeatRequest.newBuilder().setRegion(firstRegion).build());
            }
        }

        @Override
        public Store getStore(final long storeId) {
            synchronized (InMemorySchedulerClient.this) {
                return stores.get(storeId);
            }
        }

        @Override
        public Region getRegionById(final long regionId) {
            synchronized (InMemorySchedulerClient.this) {
                final RegionHeartbeatRequest r = regions.get(regionId);
                return r == null ? null : r.getRegion();
            }
        }

        @Override
        public AskSplitResponse askSplit(final Region region) {
            final AskSplitResponse.Builder b = AskSplitResponse.newBuilder().setNewRegionId(alloc());
            for (int i = 0; i < region.getPeersCount(); i++) {
                b.addNewPeerIds(alloc());
            }
            return b.build();
        }

        @Override
        public void regionHeartbeat(final RegionHeartbeatRequest request) {
            onRegionHeartbeat(request);
        }

        @Override
        public void storeHeartbeat(final StoreHeartbeatRequest request) {
            synchronized (InMemorySchedulerClient.this) {
                storeBeatCount++;
                storeBeats.put(request.getStats().getStoreId(), request);
            }
        }

        @Override
        public void setOperatorListener(final Consumer<RegionHeartbeatResponse> l) {
            this.listener = l;
        }
    }
}
