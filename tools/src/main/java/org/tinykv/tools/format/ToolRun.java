package org.tinykv.tools.format;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.FileSystem;

/**
 * The per-file loop and the error policy shared by the file inspectors. Exit codes: {@link #OK} when every file
 * was read without finding corruption, {@link #CORRUPTION} when corruption was found in some file (the message on
 * stderr names the file and the byte offset), {@link #USAGE} for bad usage or a file that cannot be opened. With
 * several files the largest code wins, and every file is inspected even after a failure.
 *
 * <p>Thread-safety: stateless, safe.
 */
public final class ToolRun {

    /** Every file read, no corruption found. */
    public static final int OK = 0;
    /** Corruption found (reported with file and offset). */
    public static final int CORRUPTION = 1;
    /** Usage error, or a file missing or unreadable. */
    public static final int USAGE = 2;

    private ToolRun() {
    }

    /** Inspects one file; returns {@link #OK} or {@link #CORRUPTION} (for corruption it reported itself). */
    @FunctionalInterface
    public interface FileAction {
        /**
         * Inspects {@code file}.
         *
         * @throws CorruptionException for corruption that ends the inspection of this file
         * @throws IOException         if the file cannot be read
         */
        int inspect(Path file) throws IOException;
    }

    /**
     * Runs {@code action} on every file, reporting failures on {@code err} prefixed by {@code tool}; returns the
     * exit code.
     */
    public static int forEachFile(final String tool, final List<Path> files, final FileSystem fs,
                                  final PrintWriter out, final PrintWriter err, final FileAction action) {
        int code = OK;
        for (final Path file : files) {
            code = Math.max(code, inspectOne(tool, file, fs, out, err, action));
        }
        return code;
    }

    private static int inspectOne(final String tool, final Path file, final FileSystem fs, final PrintWriter out,
                                  final PrintWriter err, final FileAction action) {
        if (!fs.exists(file)) {
            return fail(out, err, tool + ": " + file + ": no such file", USAGE);
        }
        try {
            final int code = action.inspect(file);
            out.flush();
            return code;
        } catch (final CorruptionException e) {
            return fail(out, err, tool + ": " + e.getMessage(), CORRUPTION);
        } catch (final IOException e) {
            return fail(out, err, tool + ": " + file + ": cannot read: " + e, USAGE);
        } catch (final RuntimeException e) {
            return fail(out, err, tool + ": " + file + ": unreadable data (" + e + ")", CORRUPTION);
        }
    }

    private static int fail(final PrintWriter out, final PrintWriter err, final String message, final int code) {
        out.flush();
        err.println(message);
        err.flush();
        return code;
    }
}
