package org.tinykv.tools.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.tools.bench.raw.ServerMetricsProbe;
import org.tinykv.proto.tinykvpb.TinyKvGrpc.TinyKvBlockingStub;
import org.tinykv.tools.client.ClusterClient;
import org.tinykv.tools.client.ClusterClientOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every workload against a running server shares (a picocli mixin), with their checks and the gRPC
 * connections they describe: one server ({@code --addr}, {@code --connections} channels, empty request contexts)
 * or, in cluster mode ({@code --scheduler}), a {@link ClusterClient} routing by region. Confined to the command's
 * thread.
 */
public final class ServerLoadOptions {

    @Option(names = "--addr", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:20160",
        description = "One server's address, requests with an empty context (default: ${DEFAULT-VALUE}).")
    private String addr;

    @Option(names = "--scheduler", paramLabel = "HOST:PORT",
        description = "Cluster mode: route every request to its region's leader through this scheduler "
            + "(instead of --addr).")
    private String scheduler;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "16",
        description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "10",
        description = "Measured seconds (default: ${DEFAULT-VALUE}).")
    private int durationSeconds;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "2",
        description = "Unmeasured seconds before the measured ones (default: ${DEFAULT-VALUE}).")
    private int warmupSeconds;

    /**
     * Why the defaults differ: a standalone server's point calls gain from spreading over its transport threads,
     * while on a 3-store playground sharing the same cores, more connections per store did not measure better than
     * one and cost each get more server CPU (fewer calls per system call, more threads woken).
     */
    private static final int ADDR_CONNECTIONS = 4;
    private static final int STORE_CONNECTIONS = 1;

    @Option(names = "--connections", paramLabel = "N",
        description = "gRPC connections shared by the clients: to the server with --addr (default: "
            + ADDR_CONNECTIONS + "), to each store with --scheduler (default: " + STORE_CONNECTIONS + ").")
    private Integer connectionsOption;
    private int connections;

    @Option(names = "--seed", description = "Seed of the key and value choices (default: random, printed).")
    private Long seed;

    @Option(names = "--status-addr", paramLabel = "HOST:PORT",
        description = "tinykv-server status address (repeatable, one per store): report the servers' CPU per "
            + "operation, fsyncs/s and writes per fsync, summed over them.")
    private List<String> statusAddrs = new ArrayList<>();

    /** One probe per {@code --status-addr}. */
    public List<ServerMetricsProbe> probes() {
        final List<ServerMetricsProbe> probes = new ArrayList<>();
        statusAddrs.forEach(a -> probes.add(new ServerMetricsProbe(a)));
        return probes;
    }

    /**
     * Checks the shared options, reporting the first bad one as a usage error of {@code spec}'s command.
     *
     * @return the seed to use: the one given, or a fresh random one
     */
    public long validate(final CommandSpec spec) {
        if (concurrency < 1 || concurrency > 4096) {
            throw new ParameterException(spec.commandLine(), "--concurrency must be 1..4096, got " + concurrency);
        }
        if (durationSeconds < 1) {
            throw new ParameterException(spec.commandLine(), "--duration must be at least 1, got " + durationSeconds);
        }
        if (warmupSeconds < 0) {
            throw new ParameterException(spec.commandLine(), "--warmup must not be negative, got " + warmupSeconds);
        }
        if (scheduler != null && spec.commandLine().getParseResult().hasMatchedOption("--addr")) {
            throw new ParameterException(spec.commandLine(), "--addr and --scheduler exclude each other");
        }
        connections = connectionsOption != null ? connectionsOption
            : scheduler == null ? ADDR_CONNECTIONS : STORE_CONNECTIONS;
        if (connections < 1 || connections > ClusterClientOptions.MAX_CONNECTIONS_PER_STORE) {
            throw new ParameterException(spec.commandLine(), "--connections must be 1.."
                + ClusterClientOptions.MAX_CONNECTIONS_PER_STORE + ", got " + connections);
        }
        return seed != null ? seed : new SplittableRandom().nextLong();
    }

    /** The server's address. */
    public String addr() {
        return addr;
    }

    /** The scheduler's address in cluster mode, or null (one server at {@link #addr()}). */
    public String scheduler() {
        return scheduler;
    }

    /** {@code addr=HOST:PORT} or, in cluster mode, {@code scheduler=HOST:PORT}, for the header line. */
    public String target() {
        return scheduler == null ? "addr=" + addr : "scheduler=" + scheduler;
    }

    /** A client of the cluster behind {@code --scheduler} (cluster mode only); close it after the run. */
    public ClusterClient openCluster() {
        return ClusterClient.connect(scheduler, ClusterClientOptions.defaults().withConnectionsPerStore(connections));
    }

    /**
     * The line reporting the region errors {@code client} retried, per kind:
     * {@code region errors retried: not_leader=0 epoch_not_match=2 ...}.
     */
    public static String retriedLine(final ClusterClient client) {
        final StringBuilder b = new StringBuilder("region errors retried:");
        client.retriedErrors().forEach((kind, n) -> b.append(' ').append(kind.label()).append('=').append(n));
        return b.toString();
    }

    /** The number of concurrent clients. */
    public int concurrency() {
        return concurrency;
    }

    /** The measured time. */
    public Duration duration() {
        return Duration.ofSeconds(durationSeconds);
    }

    /** The unmeasured time before it. */
    public Duration warmup() {
        return Duration.ofSeconds(warmupSeconds);
    }

    /** Opens {@code --connections} plaintext channels to {@code --addr}; close them with {@link #close(List)}. */
    public List<ManagedChannel> openChannels() {
        final List<ManagedChannel> channels = new ArrayList<>(connections);
        for (int i = 0; i < connections; i++) {
            // direct: callbacks of asynchronous calls run on the transport thread; blocking calls are unaffected.
            // No gRPC retries: a failed request counts as an error, and the retry layer costs every call a buffer.
            channels.add(NettyChannelBuilder.forTarget(addr).usePlaintext().directExecutor().disableRetry()
                .maxInboundMessageSize(64 << 20).build());
        }
        return channels;
    }

    /** One blocking stub per channel. */
    public static List<TinyKvBlockingStub> stubs(final List<ManagedChannel> channels) {
        final List<TinyKvBlockingStub> stubs = new ArrayList<>(channels.size());
        for (final ManagedChannel channel : channels) {
            stubs.add(TinyKvGrpc.newBlockingStub(channel));
        }
        return stubs;
    }

    /** Shuts {@code channels} down, waiting up to 5 s each. */
    public static void close(final List<ManagedChannel> channels) throws InterruptedException {
        for (final ManagedChannel channel : channels) {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
