package org.tinykv.tools.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One plaintext gRPC channel per store address, opened on first use and reused by every request (gRPC multiplexes
 * the concurrent calls over it). Thread-safe. A channel whose store moved away stays open until {@link #close()}.
 */
final class StoreChannels implements AutoCloseable {
    private static final int MAX_INBOUND_BYTES = 64 << 20;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** The channel to {@code address} (HOST:PORT). */
    ManagedChannel get(final String address) {
        final ManagedChannel ch = channels.get(address);
        if (ch != null) {
            return ch;
        }
        if (closed) {
            throw new IllegalStateException("the client is closed");
        }
        // direct: the callbacks of asynchronous calls run on the transport thread (they must not block); blocking
        // calls are unaffected, they run their callbacks on the waiting thread
        return channels.computeIfAbsent(address, a -> NettyChannelBuilder.forTarget(a).usePlaintext()
            .directExecutor().maxInboundMessageSize(MAX_INBOUND_BYTES).build());
    }

    /** How many channels are open. */
    int size() {
        return channels.size();
    }

    @Override
    public void close() {
        closed = true;
        for (final ManagedChannel ch : channels.values()) {
            ch.shutdownNow();
        }
        for (final ManagedChannel ch : channels.values()) {
            try {
                ch.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
