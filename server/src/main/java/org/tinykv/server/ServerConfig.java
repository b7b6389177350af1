package org.tinykv.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.tinykv.server.cluster.RaftStoreOptions;
import org.tinykv.server.storage.StandaloneOptions;

/**
 * The configuration of one {@code tinykv-server}. Built from defaults, then a TOML file ({@link TomlConfig}), then
 * the command-line flags, each overriding the previous; {@link #validate()} checks the result once.
 *
 * @param addr                the gRPC address to listen on ({@code -addr}, {@code [server] addr})
 * @param statusAddr          the HTTP status address ({@code -status-addr}, {@code [server] status-addr})
 * @param schedulerAddr       the scheduler's address ({@code -scheduler}, {@code [server] scheduler-addr}); unused by
 *                            a standalone store
 * @param path                the data directory ({@code -path}, {@code [storage] path})
 * @param logLevel            trace, debug, info, warn or error ({@code -loglevel}, {@code log-level})
 * @param standalone          serve from a single local engine, without raft and scheduler ({@code --standalone})
 * @param grpcThreads         threads that run RPC handlers; a synced write holds one until its fsync returns, so this
 *                            bounds the group-commit batch ({@code [server] grpc-threads})
 * @param maxRecvMessageBytes the largest request accepted; larger ones get RESOURCE_EXHAUSTED
 *                            ({@code [server] max-recv-msg-bytes})
 * @param shutdownGrace       how long SIGTERM waits for in-flight RPCs ({@code [server] shutdown-grace-ms})
 * @param storage             the engine's tuning ({@code [storage] memtable-bytes}, {@code block-cache-bytes})
 * @param raftstore           the replicated store's tuning ({@code [raftstore]}); unused by a standalone store
 */
public record ServerConfig(HostPort addr, HostPort statusAddr, HostPort schedulerAddr, Path path, String logLevel,
                           boolean standalone, int grpcThreads, int maxRecvMessageBytes, Duration shutdownGrace,
                           StandaloneOptions storage, RaftStoreOptions raftstore) {

    /** The default gRPC address, as in TinyKV. */
    public static final String DEFAULT_ADDR = "127.0.0.1:20160";
    /** The default status address, as in TiKV. */
    public static final String DEFAULT_STATUS_ADDR = "127.0.0.1:20180";
    /** The default scheduler address, as in TinyKV. */
    public static final String DEFAULT_SCHEDULER_ADDR = "127.0.0.1:2379";
    /** gRPC's receive limit: 10 MiB. */
    public static final int DEFAULT_MAX_RECV_MESSAGE_BYTES = 10 << 20;
    /** Enough handler threads for 64 concurrent synced writers to share fsyncs. */
    public static final int DEFAULT_GRPC_THREADS = 64;

    /**
     * Checks every value.
     *
     * @return this
     * @throws IllegalArgumentException naming the bad setting
     */
    public ServerConfig validate() {
        Objects.requireNonNull(addr, "addr");
        Objects.requireNonNull(statusAddr, "status-addr");
        Objects.requireNonNull(schedulerAddr, "scheduler-addr");
        if (path == null) {
            throw new IllegalArgumentException("no data directory: set -path=DIR or [storage] path");
        }
        if (!standalone && addr.port() == 0) {
            throw new IllegalArgumentException("a replicated store registers -addr with the scheduler: give it a "
                + "fixed port, not 0 (or run --standalone)");
        }
        LogLevels.parse(logLevel);
        if (grpcThreads < 1 || grpcThreads > 1024) {
            throw new IllegalArgumentException("grpc-threads must be 1..1024, got " + grpcThreads);
        }
        if (maxRecvMessageBytes < 1024) {
            throw new IllegalArgumentException("max-recv-msg-bytes must be at least 1024, got " + maxRecvMessageBytes);
        }
        if (shutdownGrace == null || shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdown-grace-ms must not be negative");
        }
        Objects.requireNonNull(storage, "storage").validate();
        Objects.requireNonNull(raftstore, "raftstore").validate();
        return this;
    }

    /** A builder holding every default; only {@code path} has none. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects settings; the setters overwrite. Not thread-safe. */
    public static final class Builder {
        private HostPort addr = HostPort.parse(DEFAULT_ADDR);
        private HostPort statusAddr = HostPort.parse(DEFAULT_STATUS_ADDR);
        private HostPort schedulerAddr = HostPort.parse(DEFAULT_SCHEDULER_ADDR);
        private Path path;
        private String logLevel = "info";
        private boolean standalone;
        private int grpcThreads = DEFAULT_GRPC_THREADS;
        private int maxRecvMessageBytes = DEFAULT_MAX_RECV_MESSAGE_BYTES;
        private Duration shutdownGrace = Duration.ofSeconds(10);
        private long memtableBytes = StandaloneOptions.defaults().memtableBytes();
        private long blockCacheBytes = StandaloneOptions.defaults().blockCacheBytes();
        private RaftStoreOptions raftstore = RaftStoreOptions.defaults();

        private Builder() {
        }

        /** Sets the gRPC address. */
        public Builder addr(final HostPort value) {
            addr = value;
            return this;
        }

        /** Sets the status address. */
        public Builder statusAddr(final HostPort value) {
            statusAddr = value;
            return this;
        }

        /** Sets the scheduler address. */
        public Builder schedulerAddr(final HostPort value) {
            schedulerAddr = value;
            return this;
        }

        /** Sets the data directory. */
        public Builder path(final Path value) {
            path = value;
            return this;
        }

        /** Sets the log level. */
        public Builder logLevel(final String value) {
            logLevel = value;
            return this;
        }

        /** Sets standalone mode. */
        public Builder standalone(final boolean value) {
            standalone = value;
            return this;
        }

        /** Sets the number of RPC handler threads. */
        public Builder grpcThreads(final int value) {
            grpcThreads = value;
            return this;
        }

        /** Sets the receive limit in bytes. */
        public Builder maxRecvMessageBytes(final int value) {
            maxRecvMessageBytes = value;
            return this;
        }

        /** Sets the shutdown grace period. */
        public Builder shutdownGrace(final Duration value) {
            shutdownGrace = value;
            return this;
        }

        /** Sets the memtable size in bytes. */
        public Builder memtableBytes(final long value) {
            memtableBytes = value;
            return this;
        }

        /** Sets the block cache size in bytes. */
        public Builder blockCacheBytes(final long value) {
            blockCacheBytes = value;
            return this;
        }

        /** The replicated store's tuning so far (to change one value with a record copy). */
        public RaftStoreOptions raftstore() {
            return raftstore;
        }

        /** Sets the replicated store's tuning. */
        public Builder raftstore(final RaftStoreOptions value) {
            raftstore = value;
            return this;
        }

        /** Builds and validates. */
        public ServerConfig build() {
            return new ServerConfig(addr, statusAddr, schedulerAddr, path, logLevel, standalone, grpcThreads,
                maxRecvMessageBytes, shutdownGrace, new StandaloneOptions(memtableBytes, blockCacheBytes), raftstore)
                .validate();
        }
    }
}
