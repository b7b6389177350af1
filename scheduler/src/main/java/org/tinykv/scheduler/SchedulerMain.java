package org.tinykv.scheduler;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.LoggerFactory;
import org.tinykv.scheduler.config.ConfigFile;
import org.tinykv.scheduler.config.SchedulerConfig;
import org.tinykv.scheduler.meta.LsmMetaStore;
import org.tinykv.wal.fs.OsFileSystem;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The tinyscheduler-server launcher: parses flags (over an optional TOML file), starts a {@link SchedulerServer}
 * and runs until SIGTERM/SIGINT, which stop it gracefully through a shutdown hook. Exit codes: 0 after a clean
 * shutdown, 1 when the server cannot start (e.g. the data dir is locked), 2 for bad flags or configuration.
 */
@Command(name = "tinyscheduler-server", mixinStandardHelpOptions = true,
        description = "TinyKV scheduler: TSO, ids, cluster metadata and balancing (schedulerpb.Scheduler).")
public final class SchedulerMain implements Callable<Integer> {

    /** The scheduler's Logback configuration, a classpath resource named so that it cannot shadow another's. */
    static final String LOGBACK_CONFIG = "tinyscheduler-logback.xml";

    static {
        // Before the first logger exists: use the scheduler's own configuration unless the user chose one.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
    }

    @Option(names = "--data-dir", description = "data directory (LOCK + metadata engine); required")
    Path dataDir;

    @Option(names = "--client-urls", description = "gRPC address, http://HOST:PORT (default "
            + SchedulerConfig.DEFAULT_CLIENT_URL + ")")
    String clientUrls;

    @Option(names = "--name", description = "member name reported by GetMembers")
    String name;

    @Option(names = "--config", description = "TOML configuration file")
    Path config;

    @Option(names = {"-L", "--log-level"}, description = "log level: trace, debug, info, warn, error")
    String logLevel;

    @Option(names = "--status-addr", description = "HOST:PORT for HTTP /metrics and /status (default: off)")
    String statusAddr;

    /** Builds the configuration: defaults, then the file, then flags. */
    SchedulerConfig buildConfig() throws IOException {
        SchedulerConfig c = SchedulerConfig.defaults(null);
        if (config != null) {
            c = ConfigFile.load(config, c);
        }
        c = new SchedulerConfig(name != null ? name : c.name(), dataDir != null ? dataDir : c.dataDir(),
                clientUrls != null ? clientUrls : c.clientUrl(), statusAddr != null ? statusAddr : c.statusAddr(),
                logLevel != null ? logLevel : c.logLevel(), c.tsoWindowMillis(), c.idBatch(), c.schedule());
        return c.validate();
    }

    @Override
    public Integer call() throws Exception {
        SchedulerConfig cfg;
        try {
            cfg = buildConfig();
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(cfg.logLevel(), Level.INFO));
        SchedulerServer server;
        try {
            server = SchedulerServer.start(cfg, new OsFileSystem(), LsmMetaStore::open, Clock.systemUTC(),
                    new SecureRandom());
        } catch (IOException e) {
            System.err.println("error: cannot start scheduler: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "scheduler-shutdown"));
        System.out.println("tinyscheduler-server listening on http://" + cfg.clientHost() + ":" + server.port()
                + " cluster_id=" + Long.toUnsignedString(server.clusterId())
                + (server.statusPort() >= 0 ? " status_port=" + server.statusPort() : ""));
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** Entry point. */
    public static void main(String[] args) {
        int code = new CommandLine(new SchedulerMain()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
