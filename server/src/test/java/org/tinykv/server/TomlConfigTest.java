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
    void unknownKeysAreErrorsNamingTheKey() throws IOException {
        assertError("[server]\naddress = \"x:1\"\n", "server.address");
        assertError("[storage]\ndata-dir = \"/x\"\n", "storage.data-dir");
        assertError("[raftstore]\nx = 1\n", "raftstore");
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
