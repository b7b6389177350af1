package org.tinykv.scheduler.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

import org.tomlj.Toml;
import org.tomlj.TomlParseResult;

/**
 * Reads a scheduler TOML file over defaults. Keys (unknown keys are errors):
 * <pre>
 * name, data-dir, client-urls, status-addr, log-level
 * [tso]      save-interval
 * [id]       batch
 * [schedule] max-replicas, max-store-down-time, leader-schedule-limit, region-schedule-limit,
 *            replica-schedule-limit, store-limit, leader-operator-timeout, region-operator-timeout,
 *            schedule-interval, patrol-interval, patrol-batch, leader-tolerance, region-tolerance-mib
 * </pre>
 * Durations are strings with a unit: "150ms", "10s", "30m", "1h". Stateless.
 */
public final class ConfigFile {

    private static final Set<String> KEYS = Set.of("name", "data-dir", "client-urls", "status-addr", "log-level",
            "tso.save-interval", "id.batch", "schedule.max-replicas", "schedule.max-store-down-time",
            "schedule.leader-schedule-limit", "schedule.region-schedule-limit", "schedule.replica-schedule-limit",
            "schedule.store-limit", "schedule.leader-operator-timeout", "schedule.region-operator-timeout",
            "schedule.schedule-interval", "schedule.patrol-interval", "schedule.patrol-batch",
            "schedule.leader-tolerance", "schedule.region-tolerance-mib");
    private static final Set<String> TABLES = Set.of("tso", "id", "schedule");

    private ConfigFile() {
    }

    /** Parses {@code file} over {@code base}; throws IllegalArgumentException for bad content. */
    public static SchedulerConfig load(Path file, SchedulerConfig base) throws IOException {
        return parse(Toml.parse(file), file.toString(), base);
    }

    /** Parses TOML text over {@code base}. */
    public static SchedulerConfig parse(String toml, SchedulerConfig base) {
        return parse(Toml.parse(toml), "<string>", base);
    }

    private static SchedulerConfig parse(TomlParseResult t, String source, SchedulerConfig base) {
        if (t.hasErrors()) {
            throw new IllegalArgumentException(source + ": " + t.errors().get(0).toString());
        }
        for (String k : t.dottedKeySet(true)) {
            if (!KEYS.contains(k) && !TABLES.contains(k)) {
                throw new IllegalArgumentException(source + ": unknown key '" + k + "'");
            }
        }
        ScheduleConfig s = base.schedule();
        ScheduleConfig sched = new ScheduleConfig(
                (int) num(t, "schedule.max-replicas", s.maxReplicas()),
                dur(t, "schedule.max-store-down-time", s.maxStoreDownMillis()),
                (int) num(t, "schedule.leader-schedule-limit", s.leaderScheduleLimit()),
                (int) num(t, "schedule.region-schedule-limit", s.regionScheduleLimit()),
                (int) num(t, "schedule.replica-schedule-limit", s.replicaScheduleLimit()),
                (int) num(t, "schedule.store-limit", s.storeLimit()),
                dur(t, "schedule.leader-operator-timeout", s.leaderOperatorTimeoutMillis()),
                dur(t, "schedule.region-operator-timeout", s.regionOperatorTimeoutMillis()),
                dur(t, "schedule.schedule-interval", s.scheduleIntervalMillis()),
                dur(t, "schedule.patrol-interval", s.patrolIntervalMillis()),
                (int) num(t, "schedule.patrol-batch", s.patrolBatch()),
                num(t, "schedule.leader-tolerance", s.leaderTolerance()),
                num(t, "schedule.region-tolerance-mib", s.regionToleranceMib()));
        String dataDir = str(t, "data-dir", null);
        return new SchedulerConfig(str(t, "name", base.name()), dataDir == null ? base.dataDir() : Path.of(dataDir),
                str(t, "client-urls", base.clientUrl()), str(t, "status-addr", base.statusAddr()),
                str(t, "log-level", base.logLevel()), dur(t, "tso.save-interval", base.tsoWindowMillis()),
                num(t, "id.batch", base.idBatch()), sched);
    }

    private static String str(TomlParseResult t, String key, String dflt) {
        if (!t.contains(key)) {
            return dflt;
        }
        if (!t.isString(key)) {
            throw new IllegalArgumentException(key + " must be a string");
        }
        return t.getString(key);
    }

    private static long num(TomlParseResult t, String key, long dflt) {
        if (!t.contains(key)) {
            return dflt;
        }
        if (!t.isLong(key)) {
            throw new IllegalArgumentException(key + " must be an integer");
        }
        return t.getLong(key);
    }

    private static long dur(TomlParseResult t, String key, long dflt) {
        if (!t.contains(key)) {
            return dflt;
        }
        if (!t.isString(key)) {
            throw new IllegalArgumentException(key + " must be a duration string like \"10s\"");
        }
        return parseDuration(t.getString(key), key);
    }

    /** Parses "150ms", "10s", "30m" or "1h" into milliseconds. */
    public static long parseDuration(String s, String what) {
        String[][] units = {{"ms", "1"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}};
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                String n = s.substring(0, s.length() - u[0].length());
                if (u[0].equals("s") && n.endsWith("m")) {
                    continue;
                }
                try {
                    long v = Long.parseLong(n.trim());
                    if (v < 0) {
                        break;
                    }
                    return Math.multiplyExact(v, Long.parseLong(u[1]));
                } catch (NumberFormatException | ArithmeticException e) {
                    break;
                }
            }
        }
        throw new IllegalArgumentException(what + ": bad duration '" + s + "' (use e.g. 150ms, 10s, 30m, 1h)");
    }
}
