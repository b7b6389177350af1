package org.tinykv.tools.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutResponse;
import org.tinykv.tools.client.ClusterClient;
import org.tinykv.tools.client.ClusterClientOptions;

/**
 * Real processes started with the launchers (through {@code bin/tinykv-playground}): a scheduler and three stores
 * on loopback. Under a write load, a follower's store is killed with SIGKILL and restarted, then the leader's store;
 * a new leader must serve within seconds and every acknowledged write must be readable afterwards.
 */
@Timeout(300)
class ClusterProcessIT {
    private static final Path HOME = Path.of(System.getProperty("user.dir")).getParent();
    private static final Duration NEW_LEADER_WITHIN = Duration.ofSeconds(10);

    private Path playground;

    @AfterEach
    void stopAll() throws Exception {
        if (playground != null) {
            run("stop");
        }
    }

    @Test
    void killedStoresLoseNothingAcknowledged() throws Exception {
        // under target/, not a temp dir: the processes' logs stay for a post-mortem
        playground = Files.createTempDirectory(Path.of(System.getProperty("user.dir"), "target"), "playground-");
        final int scheduler = LocalCluster.freePort();
        final int grpc = LocalCluster.freePorts(3);
        final int status = LocalCluster.freePorts(3);
        run("start", "--stores=3", "--scheduler-port=" + scheduler, "--store-port=" + grpc,
            "--status-port=" + status);
        final int[] statusPorts = {status, status + 1, status + 2};
        await("three replicas", 90, () -> peersOfFirstRegion(statusPorts[0]) == 3);
        System.out.println("ClusterProcessIT: three replicas; playground in " + playground);

        final Map<String, String> acked = new ConcurrentHashMap<>();
        final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> writers = new ArrayList<>();
        try (ClusterClient client = ClusterClient.connect("127.0.0.1:" + scheduler,
                ClusterClientOptions.defaults())) {
            for (int w = 0; w < 8; w++) {
                final int id = w;
                final Thread t = new Thread(() -> write(client, id, acked, lastAckNanos, stop, failure), "writer-" + w);
                t.start();
                writers.add(t);
            }
            await("writes flow", 30, () -> acked.size() >= 200);

            final int follower = leaderIndex(statusPorts) == 1 ? 2 : 1;
            run("kill-store", Integer.toString(follower));
            final int before = acked.size();
            await("writes continue without a follower", 30, () -> acked.size() >= before + 200);
            run("start-store", Integer.toString(follower));

            final int leader = leaderIndex(statusPorts);
            final int atKill = acked.size();
            run("kill-store", Integer.toString(leader));
            final long killed = System.nanoTime();
            await("a new leader serves", (int) NEW_LEADER_WITHIN.toSeconds(),
                () -> acked.size() > atKill + 8 && lastAckNanos.get() > killed);
            final long recovered = (lastAckNanos.get() - killed) / 1_000_000;
            System.out.println("ClusterProcessIT: writes resumed " + recovered + " ms after SIGKILL of the leader");
            run("start-store", Integer.toString(leader));
            final int afterRestart = acked.size();
            await("writes continue after the restart", 30, () -> acked.size() >= afterRestart + 100);
            stop.set(true);
            for (Thread t : writers) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            if (failure.get() != null) {
                throw new AssertionError("a writer failed", failure.get());
            }
            for (Map.Entry<String, String> e : acked.entrySet()) {
                final RawGetResponse r = client.rawGet(ByteString.copyFromUtf8(e.getKey()), "default");
                assertEquals(e.getValue(), r.getValue().toStringUtf8(), "acknowledged write of " + e.getKey());
            }
            System.out.println("ClusterProcessIT: " + acked.size() + " acknowledged writes all read back");
        }
    }

    private static void write(final ClusterClient client, final int id, final Map<String, String> acked,
                              final AtomicLong lastAck, final AtomicBoolean stop, final AtomicReference<Throwable> fail) {
        try {
            for (long i = 0; !stop.get(); i++) {
                final String key = "w" + id + "-" + i;
                final String value = "v" + i;
                final RawPutResponse r = client.rawPut(ByteString.copyFromUtf8(key), ByteString.copyFromUtf8(value),
                    "default");
                if (!r.getError().isEmpty()) {
                    throw new AssertionError("put " + key + ": " + r.getError());
                }
                acked.put(key, value);
                lastAck.set(System.nanoTime());
            }
        } catch (RuntimeException | AssertionError e) {
            fail.compareAndSet(null, e);
        }
    }

    /** Runs {@code bin/tinykv-playground COMMAND --dir=...} and requires exit 0. */
    private void run(final String... args) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>();
        cmd.add(HOME.resolve("bin/tinykv-playground").toString());
        cmd.addAll(List.of(args));
        cmd.add("--dir=" + playground);
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "playground " + args[0] + " did not finish");
        assertEquals(0, p.exitValue(), "playground " + String.join(" ", args) + ":\n" + out + logs());
    }

    private String logs() throws IOException {
        final StringBuilder sb = new StringBuilder();
        final Path logDir = playground.resolve("logs");
        if (Files.isDirectory(logDir)) {
            try (var files = Files.list(logDir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    final List<String> lines = Files.readAllLines(f);
                    sb.append("\n--- ").append(f.getFileName()).append(" (last 30 lines)\n");
                    lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(l -> sb.append(l).append('\n'));
                }
            }
        }
        return sb.toString();
    }

    /** The store (1..3) whose /status shows it leading the first region; waits for one. */
    private static int leaderIndex(final int[] statusPorts) throws InterruptedException {
        final int[] found = {0};
        await("a leader", 30, () -> {
            for (int i = 0; i < statusPorts.length; i++) {
                if (status(statusPorts[i]).contains("\"is_leader\":true")) {
                    found[0] = i + 1;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private static int peersOfFirstRegion(final int statusPort) {
        final String s = status(statusPort);
        final int peers = s.indexOf("\"peers\":[");
        if (peers < 0) {
            return 0;
        }
        final String list = s.substring(peers, s.indexOf(']', peers));
        return list.split("\"store_id\"", -1).length - 1;
    }

    private static String status(final int port) {
        try {
            final HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/status")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Polls {@code condition} every 100 ms until it holds or {@code seconds} pass (waiting on real processes). */
    private static void await(final String what, final int seconds, final BooleanSupplier condition)
            throws InterruptedException {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }
}
