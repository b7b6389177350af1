package org.tinykv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TinyKvServerMainTest {

    @TempDir
    Path dir;

    private static ServerConfig parse(final String... args) throws IOException {
        final TinyKvServerMain main = new TinyKvServerMain();
        new CommandLine(main).parseArgs(args);
        return main.config();
    }

    @Test
    void acceptsTinyKvSingleDashFlagsAndDefaults() throws IOException {
        final ServerConfig c = parse("-path=/tmp/x", "-addr=127.0.0.1:1234", "-scheduler=127.0.0.1:5678",
            "-loglevel=warn", "-status-addr=127.0.0.1:0", "--standalone");
        assertEquals(Path.of("/tmp/x"), c.path());
        assertEquals(HostPort.parse("127.0.0.1:1234"), c.addr());
        assertEquals(HostPort.parse("127.0.0.1:5678"), c.schedulerAddr());
        assertEquals(HostPort.parse("127.0.0.1:0"), c.statusAddr());
        assertEquals("warn", c.logLevel());
        assertTrue(c.standalone());
        final ServerConfig d = parse("--path", "/tmp/y");
        assertEquals(HostPort.parse("127.0.0.1:20160"), d.addr());
        assertEquals(HostPort.parse("127.0.0.1:20180"), d.statusAddr());
        assertEquals(HostPort.parse("127.0.0.1:2379"), d.schedulerAddr());
        assertEquals("info", d.logLevel());
        assertFalse(d.standalone());
    }

    @Test
    void flagsOverrideTheConfigFile() throws IOException {
        final Path file = dir.resolve("c.toml");
        Files.writeString(file, "[server]\naddr = \"127.0.0.1:1\"\nstandalone = true\n[storage]\npath = \"/a\"\n");
        final ServerConfig c = parse("--config", file.toString(), "-addr=127.0.0.1:2");
        assertEquals(HostPort.parse("127.0.0.1:2"), c.addr());
        assertEquals(Path.of("/a"), c.path());
        assertTrue(c.standalone());
    }

    @Test
    void helpListsEveryFlag() {
        final StringWriter text = new StringWriter();
        final CommandLine cmd = new CommandLine(new TinyKvServerMain());
        cmd.setOut(new PrintWriter(text));
        assertEquals(0, cmd.execute("--help"));
        for (String flag : new String[] {"-path", "-addr", "-scheduler", "-loglevel", "--standalone", "-status-addr",
            "--config", "TINYKV_HEAP"}) {
            assertTrue(text.toString().contains(flag), flag + " missing from:\n" + text);
        }
    }

    @Test
    void replicatedStoreNeedsAFixedPort() {
        final String err = runCapturingStderr(2, "-path=" + dir, "-status-addr=127.0.0.1:0", "-addr=127.0.0.1:0");
        assertTrue(err.contains("fixed port") && err.contains("--standalone"), err);
        assertFalse(Files.exists(dir.resolve("LOCK")), "nothing may be opened");
    }

    @Test
    void freshReplicatedStoreWithoutSchedulerFailsToStart() throws IOException {
        final int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        final Path config = dir.resolve("join.toml");
        Files.writeString(config, "[raftstore]\nscheduler-join-timeout-ms = 300\n");
        final String err = runCapturingStderr(1, "-path=" + dir.resolve("data"), "-status-addr=127.0.0.1:0",
            "-addr=127.0.0.1:1", "-scheduler=127.0.0.1:" + port, "--config=" + config);
        assertTrue(err.contains("cannot join a cluster") && err.contains("127.0.0.1:" + port), err);
    }

    @Test
    void badFlagsAndConfigAreUsageErrors() {
        assertTrue(runCapturingStderr(2, "--standalone").contains("-path"));
        assertTrue(runCapturingStderr(2, "--standalone", "-path=/x", "-addr=nope").contains("nope"));
        assertTrue(runCapturingStderr(2, "--standalone", "-path=/x", "-loglevel=loud").contains("loud"));
        assertTrue(runCapturingStderr(2, "--standalone", "-path=/x", "--config", dir.resolve("none.toml").toString())
            .contains("none.toml"));
        runCapturingStderr(2, "--no-such-flag");
    }

    private static String runCapturingStderr(final int expectedExit, final String... args) {
        final PrintStream saved = System.err;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final int code;
        try {
            code = TinyKvServerMain.run(args);
        } finally {
            System.setErr(saved);
        }
        final String err = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, code, err);
        return err;
    }
}
