package org.tinykv.scheduler.server;

import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.scheduler.operator.HeartbeatSink;

import io.grpc.stub.StreamObserver;

/**
 * The region heartbeat streams, bound to the store of the leader that last reported on them; responses to a store
 * go to its stream. Thread-safe: each stream's sends are serialized on its {@link Binding}.
 */
public final class HeartbeatStreams implements HeartbeatSink {

    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatStreams.class);

    /** One response stream; sends are serialized and stop after the first failure or close. */
    public static final class Binding {
        private final StreamObserver<RegionHeartbeatResponse> out;
        private boolean closed;

        /** Wraps a response observer. */
        public Binding(StreamObserver<RegionHeartbeatResponse> out) {
            this.out = out;
        }

        /** Sends one response; returns false if the stream is closed or failed. */
        public synchronized boolean send(RegionHeartbeatResponse resp) {
            if (closed) {
                return false;
            }
            try {
                out.onNext(resp);
                return true;
            } catch (RuntimeException e) {
                closed = true;
                LOG.debug("heartbeat stream send failed: {}", e.toString());
                return false;
            }
        }

        /** Marks the stream closed; later sends are dropped. */
        public synchronized void close() {
            closed = true;
        }

        /** Ends the stream with {@code status} unless it is already closed. */
        public synchronized void fail(io.grpc.Status status) {
            if (!closed) {
                closed = true;
                out.onError(status.asRuntimeException());
            }
        }

        /** Ends the stream normally unless it is already closed. */
        public synchronized void complete() {
            if (!closed) {
                closed = true;
                out.onCompleted();
            }
        }
    }

    private final ConcurrentHashMap<Long, Binding> byStore = new ConcurrentHashMap<>();

    /** Routes responses for {@code storeId} to {@code b}. */
    public void bind(long storeId, Binding b) {
        Binding old = byStore.put(storeId, b);
        if (old != b) {
            LOG.info("region heartbeat stream bound to store {}", storeId);
        }
    }

    /** Removes every routing to {@code b} (its stream is ending). */
    public void unbind(Binding b) {
        byStore.values().removeIf(x -> x == b);
    }

    /** Returns the number of stores with a bound stream. */
    public int boundStores() {
        return byStore.size();
    }

    @Override
    public void send(long storeId, RegionHeartbeatResponse resp) {
        Binding b = byStore.get(storeId);
        if (b != null && !b.send(resp)) {
            byStore.remove(storeId, b);
        }
    }
}
