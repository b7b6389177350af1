package org.tinykv.tools.bench.raw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.server.HostPort;
import org.tinykv.server.ServerConfig;
import org.tinykv.server.TinyKvServer;
import org.tinykv.tools.bench.TinyKvBench;
import org.tinykv.tools.format.CommandRun;

/** Runs {@code tinykv-bench raw} for one second per workload against an in-JVM standalone server on loopback. */
class RawBenchCommandTest {

    private static final Pattern RESULT = Pattern.compile(
        "RESULT workload=(\\w+) concurrency=(\\d+) ops_per_sec=([0-9.]+) p50_us=(\\d+) p99_us=(\\d+) p999_us=(\\d+)"
            + " errors=(\\d+)");

    @TempDir
    static Path dir;

    private static TinyKvServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TinyKvServer.start(ServerConfig.builder().path(dir).standalone(true)
            .addr(HostPort.parse("127.0.0.1:0")).statusAddr(HostPort.parse("127.0.0.1:0"))
            .build(), System::nanoTime);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static String run(final int expectedExit, final String... args) {
        final CommandRun r = CommandRun.ofSystemOut(TinyKvBench.commandLine(), args);
        assertEquals(expectedExit, r.exitCode(), r.out());
        return r.out();
    }

    @Test
    void putThenGetEndWithAResultLine() {
        final String addr = "--addr=127.0.0.1:" + server.grpcAddress().getPort();
        final String status = "--status-addr=127.0.0.1:" + server.statusAddress().getPort();
        final String put = run(0, "raw", addr, status, "--workload=put", "--concurrency=4", "--warmup=1",
            "--duration=1", "--value-size=128", "--keys=50", "--seed=7");
        final Matcher m = RESULT.matcher(put);
        assertTrue(m.find(), put);
        assertEquals("put", m.group(1));
        assertEquals("4", m.group(2));
        assertTrue(Double.parseDouble(m.group(3)) > 0, put);
        assertEquals("0", m.group(7), put);
        assertTrue(put.contains("server: fsyncs="), put);
        final Matcher cpu = Pattern.compile("server_cpu_us_per_op=([0-9.]+)").matcher(put);
        assertTrue(cpu.find() && Double.parseDouble(cpu.group(1)) > 0, put);

        final String get = run(0, "raw", addr, "--workload=GET", "--concurrency=2", "--warmup=0", "--duration=1",
            "--keys=50", "--prefill");
        final Matcher g = RESULT.matcher(get);
        assertTrue(g.find(), get);
        assertEquals("get", g.group(1));
        assertTrue(get.contains("not_found=0"), get);
    }

    @Test
    void badArgumentsAreUsageErrors() {
        run(2, "raw", "--concurrency=0");
        run(2, "raw", "--workload=scan");
        run(2, "raw", "--keys=1000", "--key-size=3");
        run(2, "raw", "--warmup=-1");
        run(2, "raw", "--connections=0");
        run(2, "raw", "--scheduler=127.0.0.1:1", "--connections=65");
        run(2);
    }
}
