package org.tinykv.tools.wal;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.tinykv.wal.record.RecoveryMode;
import picocli.CommandLine;

/**
 * Maps the {@code --mode} names of {@code wal-inspect} to the reader's {@link RecoveryMode}s:
 * {@code tolerate}, {@code absolute}, {@code point-in-time}, {@code skip}. Also lists them for the help text.
 *
 * <p>Thread-safety: stateless, safe.
 */
final class ModeConverter implements CommandLine.ITypeConverter<RecoveryMode>, Iterable<String> {

    private static final List<String> NAMES = List.of("tolerate", "absolute", "point-in-time", "skip");

    @Override
    public RecoveryMode convert(final String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "tolerate" -> RecoveryMode.TOLERATE_CORRUPTED_TAIL;
            case "absolute" -> RecoveryMode.ABSOLUTE_CONSISTENCY;
            case "point-in-time" -> RecoveryMode.POINT_IN_TIME;
            case "skip" -> RecoveryMode.SKIP_ANY_CORRUPTED;
            default -> throw new CommandLine.TypeConversionException("unknown mode '" + value + "', expected one of "
                + String.join(", ", NAMES));
        };
    }

    /** The name of {@code mode} on the command line. */
    static String nameOf(final RecoveryMode mode) {
        return switch (mode) {
            case TOLERATE_CORRUPTED_TAIL -> "tolerate";
            case ABSOLUTE_CONSISTENCY -> "absolute";
            case POINT_IN_TIME -> "point-in-time";
            case SKIP_ANY_CORRUPTED -> "skip";
        };
    }

    @Override
    public Iterator<String> iterator() {
        return NAMES.iterator();
    }
}
