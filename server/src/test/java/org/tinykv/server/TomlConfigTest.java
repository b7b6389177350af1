package org.tinykv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.server.cluster.RaftStoreOptions;

class TomlConfigTest {

    @TempDir
    Path dir;

    private Path write(final String text) throws IOException {
        final Path file = dir.resolve("tinykv.toml");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    @Test
    void readsEveryKey() throws IOException {
        final Path file = write("""
            log-level = "debug"
            [server]
            addr = "127.0.0.1:1111"
            status-addr = "127.0.0.1:2222"
            scheduler-addr = "10.0.0.1:3333"
            standalone = true
            grpc-threads = 8
            max-recv-msg-bytes = 2048
            shutdown-grace-ms = 1500
            [storage]
            path = "/data/kv"
            memtable-bytes = 4194304
            block-cache-bytes = 0
            """);
        final ServerConfig.Builder builder = ServerConfig.builder();
        TomlConfig.apply(file, builder);
        final ServerConfig c = builder.build();
        assertEquals(HostPort.parse("127.0.0.1:1111"), c.addr());
        assertEquals(HostPort.parse("127.0.0.1:2222"), c.statusAddr());
        assertEquals(HostPort.parse("10.0.0.1:3333"), c.schedulerAddr());
        assertEquals("debug", c.logLevel());
        assertTrue(c.standalone());
        assertEquals(8, c.grpcThreads());
        assertEquals(2048, c.maxRecvMessageBytes());
        assertEquals(Duration.ofMillis(1500), c.shutdownGrace());
        assertEquals(Path.of("/data/kv"), c.path());
        assertEquals(4194304, c.storage().memtableBytes());
        assertEquals(0, c.storage().blockCacheBytes());
    }

    @Test
    void readsTheRaftstoreSection() throws IOException {
        final Path file = write("""
            [storage]
            path = "/data/kv"
            [raftstore]
            tick-ms = 50
            raft-workers = 2
            apply-workers = 3
            region-split-size = 1048576
            raft-log-gc-count-limit = 100
            raft-log-gc-size-limit = 65536
            snapshot-send-rate = 1000000
            store-heartbeat-ms = 2000
            region-heartbeat-ticks = 40
            command-timeout-ms = 3000
            scheduler-join-timeout-ms = 700
            hibernate-regions = false
            """);
        final ServerConfig.Builder builder = ServerConfig.builder();
        TomlConfig.apply(file, builder);
        final RaftStoreOptions r = builder.build().raftstore();
        assertEquals(new RaftStoreOptions(50, 2, 3, 1048576, 100, 65536, 1000000, 2000, 40, Duration.ofSeconds(3),
            Duration.ofMillis(700), false), r);
        assertEquals(0, r.storeConfig(1 << 20).peer().hibernateTicks());
        assertEquals(20, RaftStoreOptions.defaults().storeConfig(1 << 20).peer().hibernateTicks());
        assertEquals(50, r.storeConfig(1 << 20).tickMillis());
        assertEquals(100, r.storeConfig(1 << 20).peer().raftLogGcCountLimit());
        assertEquals(1048576, r.splitConfig().splitSize());
        final ServerConfig.Builder bad = ServerConfig.builder();
        TomlConfig.apply(write("[storage]\npath = \"/x\"\n[raftstore]\ntick-ms = 0\n"), bad);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::build);
        assertTrue(e.getMessage().contains("raftstore.tick-ms"), e.getMessage());
    }

    @Test
    void unknownKeysAreErrorsNamingTheKey() throws IOException {
        assertError("[server]\naddress = \"x:1\"\n", "server.address");
        assertError("[storage]\ndata-dir = \"/x\"\n", "storage.data-dir");
        assertError("[raftstore]\nx = 1\n", "raftstore.x");
        assertError("[raft]\nx = 1\n", "raft");
        assertError("colour = 1\n", "colour");
    }

    @Test
    void wrongTypesAndSyntaxErrorsAreReported() throws IOException {
        assertError("[server]\ngrpc-threads = \"many\"\n", "server.grpc-threads");
        assertError("[server]\nstandalone = 1\n", "server.standalone");
        assertError("[server]\naddr = \"nocolon\"\n", "server.addr");
        assertError("server = 3\n", "server");
        assertError("[server\naddr=1\n", "tinykv.toml");
    }

    @Test
    void validationRejectsBadValues() throws IOException {
        final ServerConfig.Builder builder = ServerConfig.builder();
        TomlConfig.apply(write("[storage]\npath = \"/x\"\nmemtable-bytes = 10\n"), builder);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains("memtable-bytes"), e.getMessage());
        final IllegalArgumentException level = assertThrows(IllegalArgumentException.class,
            () -> ServerConfig.builder().path(Path.of("/x")).logLevel("loud").build());
        assertTrue(level.getMessage().contains("loud"), level.getMessage());
        final IllegalArgumentException noPath = assertThrows(IllegalArgumentException.class,
            () -> ServerConfig.builder().build());
        assertTrue(noPath.getMessage().contains("-path"), noPath.getMessage());
    }

    private void assertError(final String text, final String expected) throws IOException {
        final Path file = write(text);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> TomlConfig.apply(file, ServerConfig.builder()), text);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
