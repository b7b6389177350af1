package org.tinykv.multiraft.pd;

import java.io.IOException;
import java.util.function.Consumer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.schedulerpb.AskSplitResponse;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.StoreHeartbeatRequest;

/**
 * What a store needs from the scheduler. The synchronous calls throw {@link IOException} when the scheduler
 * cannot be reached or answers with an error; the heartbeats are fire-and-forget (they may be dropped, the next
 * one repeats the state). Operators (the scheduler's orders) arrive asynchronously as region heartbeat responses
 * on the listener registered with {@link #setOperatorListener}; the store checks them against its current region
 * epoch and leadership before acting.
 *
 * <p>Thread-safety: implementations are safe for use from any thread; the listener may be called on any thread.
 */
public interface SchedulerClient {

    /** A cluster-unique id (store, region and peer ids). */
    long allocId() throws IOException;

    /** Registers or updates a store's meta (address, state). */
    void putStore(Store store) throws IOException;

    /** True once some store bootstrapped the cluster. */
    boolean isBootstrapped() throws IOException;

    /**
     * Bootstraps the cluster with {@code store} and the first region {@code firstRegion}.
     *
     * @throws IOException if the cluster is already bootstrapped (among others)
     */
    void bootstrap(Store store, Region firstRegion) throws IOException;

    /** The scheduler's meta of store {@code storeId}, or null if it knows no such store. */
    Store getStore(long storeId) throws IOException;

    /**
     * The region the scheduler knows by {@code regionId}, or null if it knows none (it learns regions from their
     * leaders' heartbeats, so a region just bootstrapped may not be known yet).
     */
    Region getRegionById(long regionId) throws IOException;

    /** The ids for splitting {@code region}: a new region id and one new peer id per current peer, in order. */
    AskSplitResponse askSplit(Region region) throws IOException;

    /** Reports a region's state (sent by its leader); may be answered later through the operator listener. */
    void regionHeartbeat(RegionHeartbeatRequest request);

    /** Reports a store's load and capacity. */
    void storeHeartbeat(StoreHeartbeatRequest request);

    /** Sets the receiver of operators (replaces any previous one; null removes it). */
    void setOperatorListener(Consumer<RegionHeartbeatResponse> listener);
}
