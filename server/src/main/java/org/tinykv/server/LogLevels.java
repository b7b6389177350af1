package org.tinykv.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/** TinyKV's log level names and how they set Logback's root level. */
final class LogLevels {

    private LogLevels() {
    }

    /**
     * Maps a level name (trace, debug, info, warn/warning, error, fatal; any case) to Logback's level.
     *
     * @throws IllegalArgumentException for any other name
     */
    static Level parse(final String name) {
        if (name == null) {
            throw new IllegalArgumentException("log level is missing");
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "trace" -> Level.TRACE;
            case "debug" -> Level.DEBUG;
            case "info" -> Level.INFO;
            case "warn", "warning" -> Level.WARN;
            case "error", "fatal" -> Level.ERROR;
            default -> throw new IllegalArgumentException(
                "unknown log level \"" + name + "\": use trace, debug, info, warn or error");
        };
    }

    /** Sets the root logger's level, if Logback is the SLF4J binding. */
    static void applyRoot(final String name) {
        final Level level = parse(name);
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(level);
        }
    }
}
