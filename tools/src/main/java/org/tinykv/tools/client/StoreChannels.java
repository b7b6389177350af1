package org.tinykv.tools.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed number of plaintext gRPC channels (connections) per store address, opened together on first use and
 * shared by every request, which take them in turn (gRPC multiplexes the concurrent calls over each).
 *
 * <p>Why more than one: a connection is served by one transport thread at each end. Its calls are decoded,
 * answered and their callbacks run one after another on that thread, so one connection to a store caps the
 * client's throughput to it at what one core does, on both sides. TinySQL's client opens several per store for the
 * same reason ({@code grpc-connection-count}).
 *
 * <p>Thread-safe. The channels of a store that moved away stay open until {@link #close()}.
 */
final class StoreChannels implements AutoCloseable {
    private static final int MAX_INBOUND_BYTES = 64 << 20;
    private final Map<String, ManagedChannel[]> channels = new ConcurrentHashMap<>();
    private final AtomicInteger turn = new AtomicInteger();
    private final int perStore;
    private volatile boolean closed;

    /** {@code perStore} channels to each store (at least 1). */
    StoreChannels(final int perStore) {
        if (perStore < 1) {
            throw new IllegalArgumentException("connections per store must be at least 1, got " + perStore);
        }
        this.perStore = perStore;
    }

    /** A channel to {@code address} (HOST:PORT): each call the next of that store's channels. */
    ManagedChannel get(final String address) {
        ManagedChannel[] chs = channels.get(address);
        if (chs == null) {
            if (closed) {
                throw new IllegalStateException("the client is closed");
            }
            chs = channels.computeIfAbsent(address, this::open);
        }
        return chs.length == 1 ? chs[0] : chs[Math.floorMod(turn.getAndIncrement(), chs.length)];
    }

    private ManagedChannel[] open(final String address) {
        final ManagedChannel[] chs = new ManagedChannel[perStore];
        for (int i = 0; i < perStore; i++) {
            // direct: the callbacks of asynchronous calls run on the transport thread (they must not block);
            // blocking calls are unaffected, they run their callbacks on the waiting thread. No gRPC retries:
            // RequestSender retries what is worth retrying, and gRPC's retry layer costs every call a buffer.
            chs[i] = NettyChannelBuilder.forTarget(address).usePlaintext().directExecutor().disableRetry()
                .maxInboundMessageSize(MAX_INBOUND_BYTES).build();
        }
        return chs;
    }

    /** How many stores have channels open. */
    int size() {
        return channels.size();
    }

    @Override
    public void close() {
        closed = true;
        for (final ManagedChannel[] chs : channels.values()) {
            for (final ManagedChannel ch : chs) {
                ch.shutdownNow();
            }
        }
        for (final ManagedChannel[] chs : channels.values()) {
            for (final ManagedChannel ch : chs) {
                try {
                    ch.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
