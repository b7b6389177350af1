package org.tinykv.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.tinykv.server.cluster.RaftStoreOptions;
import org.tomlj.Toml;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlTable;

/**
 * Reads a TiKV-style TOML configuration file into a {@link ServerConfig.Builder}. The keys are:
 * <pre>
 * log-level = "info"
 * [server]
 * addr = "127.0.0.1:20160"          status-addr = "127.0.0.1:20180"     scheduler-addr = "127.0.0.1:2379"
 * standalone = true                  grpc-threads = 64                   max-recv-msg-bytes = 10485760
 * shutdown-grace-ms = 10000
 * [storage]
 * path = "/var/lib/tinykv"           memtable-bytes = 33554432           block-cache-bytes = 67108864
 * [raftstore]
 * tick-ms = 100                      raft-workers = 1                    apply-workers = 1
 * region-split-size = 150994944      raft-log-gc-count-limit = 1000      raft-log-gc-size-limit = 16777216
 * snapshot-send-rate = 67108864      store-heartbeat-ms = 10000          region-heartbeat-ticks = 100
 * command-timeout-ms = 10000          scheduler-join-timeout-ms = 30000   hibernate-regions = true
 * </pre>
 * Every other key or section is an error naming it, and so is a value of the wrong type.
 */
public final class TomlConfig {

    private TomlConfig() {
    }

    /**
     * Applies the settings of {@code file} to {@code builder}.
     *
     * @throws IOException              if the file cannot be read
     * @throws IllegalArgumentException for a syntax error (with line and column), an unknown key or a bad value
     */
    public static void apply(final Path file, final ServerConfig.Builder builder) throws IOException {
        final TomlParseResult toml = Toml.parse(file);
        if (toml.hasErrors()) {
            throw new IllegalArgumentException("config file " + file + ": " + toml.errors().stream()
                .map(Object::toString).collect(Collectors.joining("; ")));
        }
        for (String key : toml.keySet()) {
            final Object value = toml.get(List.of(key));
            switch (key) {
                case "log-level" -> builder.logLevel(string(file, key, value));
                case "server" -> applyServer(file, table(file, key, value), builder);
                case "storage" -> applyStorage(file, table(file, key, value), builder);
                case "raftstore" -> builder.raftstore(raftstore(file, table(file, key, value), builder.raftstore()));
                default -> throw unknown(file, key);
            }
        }
    }

    private static void applyServer(final Path file, final TomlTable table, final ServerConfig.Builder builder) {
        for (String key : table.keySet()) {
            final Object value = table.get(List.of(key));
            final String name = "server." + key;
            switch (key) {
                case "addr" -> builder.addr(address(file, name, value));
                case "status-addr" -> builder.statusAddr(address(file, name, value));
                case "scheduler-addr" -> builder.schedulerAddr(address(file, name, value));
                case "standalone" -> builder.standalone(bool(file, name, value));
                case "grpc-threads" -> builder.grpcThreads(intValue(file, name, value));
                case "max-recv-msg-bytes" -> builder.maxRecvMessageBytes(intValue(file, name, value));
                case "shutdown-grace-ms" -> builder.shutdownGrace(Duration.ofMillis(longValue(file, name, value)));
                default -> throw unknown(file, name);
            }
        }
    }

    private static void applyStorage(final Path file, final TomlTable table, final ServerConfig.Builder builder) {
        for (String key : table.keySet()) {
            final Object value = table.get(List.of(key));
            final String name = "storage." + key;
            switch (key) {
                case "path" -> builder.path(Path.of(string(file, name, value)));
                case "memtable-bytes" -> builder.memtableBytes(longValue(file, name, value));
                case "block-cache-bytes" -> builder.blockCacheBytes(longValue(file, name, value));
                default -> throw unknown(file, name);
            }
        }
    }

    private static RaftStoreOptions raftstore(final Path file, final TomlTable table, final RaftStoreOptions base) {
        long tick = base.tickMillis();
        int raftWorkers = base.raftWorkers();
        int applyWorkers = base.applyWorkers();
        long splitSize = base.regionSplitSize();
        long gcCount = base.raftLogGcCountLimit();
        long gcSize = base.raftLogGcSizeLimit();
        long snapRate = base.snapshotSendBytesPerSecond();
        long storeHb = base.storeHeartbeatMillis();
        long regionHb = base.regionHeartbeatTicks();
        Duration timeout = base.commandTimeout();
        Duration join = base.schedulerJoinTimeout();
        boolean hibernate = base.hibernateRegions();
        for (String key : table.keySet()) {
            final Object value = table.get(List.of(key));
            final String name = "raftstore." + key;
            switch (key) {
                case "tick-ms" -> tick = longValue(file, name, value);
                case "raft-workers" -> raftWorkers = intValue(file, name, value);
                case "apply-workers" -> applyWorkers = intValue(file, name, value);
                case "region-split-size" -> splitSize = longValue(file, name, value);
                case "raft-log-gc-count-limit" -> gcCount = longValue(file, name, value);
                case "raft-log-gc-size-limit" -> gcSize = longValue(file, name, value);
                case "snapshot-send-rate" -> snapRate = longValue(file, name, value);
                case "store-heartbeat-ms" -> storeHb = longValue(file, name, value);
                case "region-heartbeat-ticks" -> regionHb = longValue(file, name, value);
                case "command-timeout-ms" -> timeout = Duration.ofMillis(longValue(file, name, value));
                case "scheduler-join-timeout-ms" -> join = Duration.ofMillis(longValue(file, name, value));
                case "hibernate-regions" -> hibernate = bool(file, name, value);
                default -> throw unknown(file, name);
            }
        }
        return new RaftStoreOptions(tick, raftWorkers, applyWorkers, splitSize, gcCount, gcSize, snapRate, storeHb,
            regionHb, timeout, join, hibernate);
    }

    private static IllegalArgumentException unknown(final Path file, final String key) {
        return new IllegalArgumentException("config file " + file + ": unknown key \"" + key + "\"");
    }

    private static IllegalArgumentException wrongType(final Path file, final String key, final String expected,
                                                      final Object value) {
        return new IllegalArgumentException("config file " + file + ": key \"" + key + "\" must be " + expected
            + ", got " + value);
    }

    private static TomlTable table(final Path file, final String key, final Object value) {
        if (value instanceof TomlTable t) {
            return t;
        }
        throw wrongType(file, key, "a table", value);
    }

    private static String string(final Path file, final String key, final Object value) {
        if (value instanceof String s) {
            return s;
        }
        throw wrongType(file, key, "a string", value);
    }

    private static boolean bool(final Path file, final String key, final Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw wrongType(file, key, "true or false", value);
    }

    private static long longValue(final Path file, final String key, final Object value) {
        if (value instanceof Long l) {
            return l;
        }
        throw wrongType(file, key, "an integer", value);
    }

    private static int intValue(final Path file, final String key, final Object value) {
        final long l = longValue(file, key, value);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw wrongType(file, key, "a 32-bit integer", value);
        }
        return (int) l;
    }

    private static HostPort address(final Path file, final String key, final Object value) {
        try {
            return HostPort.parse(string(file, key, value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config file " + file + ": key \"" + key + "\": " + e.getMessage(), e);
        }
    }
}
