package org.tinykv.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.server.storage.DataDirLockedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code tinykv-server} command. Accepts TinyKV's single-dash flags ({@code -path=DIR}, {@code -addr=...},
 * {@code -scheduler=...}, {@code -loglevel=...}) and their double-dash forms. Exit codes: 1 if the server could not
 * start (data directory locked, address in use, unreadable data, a fresh store without a reachable scheduler), 2
 * for a usage or configuration error (including port 0 for a replicated store, which registers its address); after
 * SIGTERM the shutdown hook closes the server gracefully and the JVM exits with 143, as for any SIGTERM.
 */
@Command(name = "tinykv-server", mixinStandardHelpOptions = false, sortOptions = false,
    description = "Runs a TinyKV store: a replicated store of the scheduler's cluster, or with --standalone one "
        + "local engine without raft or scheduler.",
    footer = {"", "Heap: bin/tinykv-server starts the JVM with -Xms64m -Xmx1g; set TINYKV_HEAP (e.g. "
        + "TINYKV_HEAP=\"-Xmx4g\") to replace that, or JAVA_OPTS to add JVM flags.",
        "SIGTERM shuts down gracefully: stop accepting, finish in-flight writes, flush, close."})
public final class TinyKvServerMain implements Callable<Integer> {

    /** The server's Logback configuration, a classpath resource. */
    static final String LOGBACK_CONFIG = "tinykv-server-logback.xml";

    static {
        // Before the first logger exists: use the server's own configuration unless the user chose one.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TinyKvServerMain.class);

    @Option(names = {"-path", "--path"}, paramLabel = "DIR", description = "Data directory (required).")
    Path path;

    @Option(names = {"-addr", "--addr"}, paramLabel = "HOST:PORT",
        description = "gRPC listen address (default: " + ServerConfig.DEFAULT_ADDR + ").")
    String addr;

    @Option(names = {"-scheduler", "--scheduler"}, paramLabel = "HOST:PORT",
        description = "Scheduler address (default: " + ServerConfig.DEFAULT_SCHEDULER_ADDR
            + "); unused in standalone mode. A store that never joined a cluster needs it to start.")
    String scheduler;

    @Option(names = {"-loglevel", "--loglevel"}, paramLabel = "LEVEL",
        description = "trace, debug, info, warn or error (default: info).")
    String logLevel;

    @Option(names = {"-status-addr", "--status-addr"}, paramLabel = "HOST:PORT",
        description = "HTTP status address: /metrics (Prometheus), /status (JSON) (default: "
            + ServerConfig.DEFAULT_STATUS_ADDR + ").")
    String statusAddr;

    @Option(names = {"-standalone", "--standalone"},
        description = "Serve from one local engine, without raft or scheduler.")
    boolean standalone;

    @Option(names = {"-config", "--config"}, paramLabel = "FILE",
        description = "TOML configuration file; flags override it; unknown keys are errors.")
    Path configFile;

    @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    private static void closeOnShutdown(final CountDownLatch started, final AtomicReference<TinyKvServer> running) {
        try {
            started.await();
            final TinyKvServer server = running.get();
            if (server != null) {
                server.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error("shutdown failed", e);
        }
    }

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(final String[] args) {
        System.exit(run(args));
    }

    /** Runs the command; returns its exit code when the server has stopped (or failed to start). */
    static int run(final String[] args) {
        return new CommandLine(new TinyKvServerMain()).execute(args);
    }

    /** Builds the configuration from defaults, the config file and the flags (in that order of precedence). */
    ServerConfig config() throws IOException {
        final ServerConfig.Builder builder = ServerConfig.builder();
        if (configFile != null) {
            TomlConfig.apply(configFile, builder);
        }
        if (path != null) {
            builder.path(path);
        }
        if (addr != null) {
            builder.addr(HostPort.parse(addr));
        }
        if (statusAddr != null) {
            builder.statusAddr(HostPort.parse(statusAddr));
        }
        if (scheduler != null) {
            builder.schedulerAddr(HostPort.parse(scheduler));
        }
        if (logLevel != null) {
            builder.logLevel(logLevel);
        }
        if (standalone) {
            builder.standalone(true);
        }
        return builder.build();
    }

    @Override
    public Integer call() {
        final PrintWriter err = new PrintWriter(System.err, true);
        final ServerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException | IOException e) {
            err.println("tinykv-server: " + e.getMessage());
            return 2;
        }
        LogLevels.applyRoot(config.logLevel());
        // The hook is registered before the server starts, so a SIGTERM during startup still closes the storage.
        final AtomicReference<TinyKvServer> running = new AtomicReference<>();
        final CountDownLatch started = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeOnShutdown(started, running), "shutdown"));
        final TinyKvServer server;
        try {
            server = TinyKvServer.start(config, System::nanoTime);
            running.set(server);
        } catch (DataDirLockedException e) {
            err.println("tinykv-server: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            LOG.error("tinykv-server failed to start", e);
            err.println("tinykv-server: cannot start: " + e);
            return 1;
        } finally {
            started.countDown();
        }
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
