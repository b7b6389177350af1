package org.tinykv.multiraft.pd;

import java.io.IOException;
import java.util.function.Consumer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.schedulerpb.AskSplitResponse;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.proto.schedulerpb.StoreHeartbeatRequest;

/** A scheduler client passing every call to another; tests override the calls they want to fail or delay. */
public class ForwardingSchedulerClient implements SchedulerClient {
    private final SchedulerClient delegate;

    /** Forwards to {@code delegate}. */
    public ForwardingSchedulerClient(final SchedulerClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public long allocId() throws IOException {
        return delegate.allocId();
    }

    @Override
    public void putStore(final Store store) throws IOException {
        delegate.putStore(store);
    }

    @Override
    public boolean isBootstrapped() throws IOException {
        return delegate.isBootstrapped();
    }

    @Override
    public void bootstrap(final Store store, final Region firstRegion) throws IOException {
        delegate.bootstrap(store, firstRegion);
    }

    @Override
    public Store getStore(final long storeId) throws IOException {
        return delegate.getStore(storeId);
    }

    @Override
    public Region getRegionById(final long regionId) throws IOException {
        return delegate.getRegionById(regionId);
    }

    @Override
    public AskSplitResponse askSplit(final Region region) throws IOException {
        return delegate.askSplit(region);
    }

    @Override
    public void regionHeartbeat(final RegionHeartbeatRequest request) {
        delegate.regionHeartbeat(request);
    }

    @Override
    public void storeHeartbeat(final StoreHeartbeatRequest request) {
        delegate.storeHeartbeat(request);
    }

    @Override
    public void setOperatorListener(final Consumer<RegionHeartbeatResponse> listener) {
        delegate.setOperatorListener(listener);
    }
}
