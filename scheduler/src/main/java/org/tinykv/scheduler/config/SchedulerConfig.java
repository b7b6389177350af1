package org.tinykv.scheduler.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * Configuration of one scheduler server.
 *
 * @param name           member name reported by GetMembers (default "tinyscheduler")
 * @param dataDir        directory of the LOCK file and the metadata engine (required)
 * @param clientUrl      gRPC address as http://HOST:PORT (default http://127.0.0.1:2379); port 0 picks a free one
 * @param statusAddr     HOST:PORT of the HTTP status server, or null for none
 * @param logLevel       root log level (default info)
 * @param tsoWindowMillis TSO time persisted ahead of use (default 3000)
 * @param idBatch        ids persisted per batch (default 1000)
 * @param schedule       the scheduling policy
 */
public record SchedulerConfig(String name, Path dataDir, String clientUrl, String statusAddr, String logLevel,
        long tsoWindowMillis, long idBatch, ScheduleConfig schedule) {

    /** The default client URL. */
    public static final String DEFAULT_CLIENT_URL = "http://127.0.0.1:2379";

    /** Returns the defaults for {@code dataDir}. */
    public static SchedulerConfig defaults(Path dataDir) {
        return new SchedulerConfig("tinyscheduler", dataDir, DEFAULT_CLIENT_URL, null, "info", 3000, 1000,
                ScheduleConfig.defaults());
    }

    /** Checks every value; throws IllegalArgumentException naming the first bad one. */
    public SchedulerConfig validate() {
        if (dataDir == null) {
            throw new IllegalArgumentException("data-dir is required");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        clientHost();
        clientPort();
        if (statusAddr != null) {
            HostPort.parse(statusAddr, "status-addr");
        }
        if (tsoWindowMillis < 100) {
            throw new IllegalArgumentException("tso save-interval must be >= 100ms");
        }
        if (idBatch <= 0) {
            throw new IllegalArgumentException("id batch must be positive");
        }
        schedule.validate();
        return this;
    }

    /** Returns the host of {@link #clientUrl}. */
    public String clientHost() {
        return clientUri().getHost();
    }

    /** Returns the port of {@link #clientUrl}. */
    public int clientPort() {
        return clientUri().getPort();
    }

    private URI clientUri() {
        URI u;
        try {
            u = URI.create(clientUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("client-urls: not a URL: " + clientUrl);
        }
        if (!"http".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 0 || u.getPort() > 65535) {
            throw new IllegalArgumentException("client-urls must look like http://HOST:PORT, got " + clientUrl);
        }
        return u;
    }

    /** Returns a copy with another client URL. */
    public SchedulerConfig withClientUrl(String url) {
        return new SchedulerConfig(name, dataDir, url, statusAddr, logLevel, tsoWindowMillis, idBatch, schedule);
    }
}
