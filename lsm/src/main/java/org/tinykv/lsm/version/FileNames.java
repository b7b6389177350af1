package org.tinykv.lsm.version;

import java.nio.file.Path;

/**
 * File names in a Db directory, as leveldb names them: {@code NNNNNN.sst}, {@code NNNNNN.log},
 * {@code MANIFEST-NNNNNN}, {@code CURRENT}, {@code LOCK}, {@code OPTIONS-NNNNNN}.
 *
 * <p>Thread-safety: stateless, safe.
 */
public final class FileNames {

    /** Kinds of files in a Db directory. */
    public enum Kind { TABLE, LOG, MANIFEST, CURRENT, LOCK, OPTIONS, TEMP, OTHER }

    /** A parsed name. @param kind the kind @param number the number, or -1 */
    public record Parsed(Kind kind, long number) {
    }

    private FileNames() {
    }

    /** {@code NNNNNN.sst}. */
    public static Path table(final Path dir, final long number) {
        return dir.resolve(String.format("%06d.sst", number));
    }

    /** {@code NNNNNN.log}. */
    public static Path log(final Path dir, final long number) {
        return dir.resolve(String.format("%06d.log", number));
    }

    /** {@code MANIFEST-NNNNNN}. */
    public static String manifestName(final long number) {
        return String.format("MANIFEST-%06d", number);
    }

    /** {@code OPTIONS-NNNNNN}. */
    public static Path options(final Path dir, final long number) {
        return dir.resolve(String.format("OPTIONS-%06d", number));
    }

    /** {@code CURRENT}. */
    public static Path current(final Path dir) {
        return dir.resolve("CURRENT");
    }

    /** {@code LOCK}. */
    public static Path lock(final Path dir) {
        return dir.resolve("LOCK");
    }

    /** Parses a directory entry name. */
    public static Parsed parse(final String name) {
        try {
            if (name.equals("CURRENT")) {
                return new Parsed(Kind.CURRENT, -1);
            }
            if (name.equals("LOCK")) {
                return new Parsed(Kind.LOCK, -1);
            }
            if (name.endsWith(".tmp")) {
                return new Parsed(Kind.TEMP, -1);
            }
            if (name.startsWith("MANIFEST-")) {
                return new Parsed(Kind.MANIFEST, Long.parseLong(name.substring(9)));
            }
            if (name.startsWith("OPTIONS-")) {
                return new Parsed(Kind.OPTIONS, Long.parseLong(name.substring(8)));
            }
            if (name.endsWith(".sst")) {
                return new Parsed(Kind.TABLE, Long.parseLong(name.substring(0, name.length() - 4)));
            }
            if (name.endsWith(".log")) {
                return new Parsed(Kind.LOG, Long.parseLong(name.substring(0, name.length() - 4)));
            }
        } catch (final NumberFormatException e) {
            return new Parsed(Kind.OTHER, -1);
        }
        return new Parsed(Kind.OTHER, -1);
    }
}
