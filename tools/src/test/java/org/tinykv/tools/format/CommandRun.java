package org.tinykv.tools.format;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * The outcome of running a picocli command in-process with captured output: exit code, stdout and stderr.
 *
 * @param exitCode the exit code
 * @param out      what the command printed on stdout
 * @param err      what it printed on stderr
 */
public record CommandRun(int exitCode, String out, String err) {

    /** Runs {@code command} with {@code args}, capturing its output. */
    public static CommandRun of(final Object command, final String... args) {
        return of(new CommandLine(command), args);
    }

    /** Runs a configured command line with {@code args}, capturing its output. */
    public static CommandRun of(final CommandLine cl, final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        final int code = cl.execute(args);
        return new CommandRun(code, out.toString(), err.toString());
    }

    /**
     * Runs {@code cl} with {@code args} for commands that print their results on {@code System.out} (the
     * benchmarks); stdout is captured for the duration of the call, stderr is left alone.
     */
    public static CommandRun ofSystemOut(final CommandLine cl, final String... args) {
        final PrintStream saved = System.out;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final int code;
        try {
            code = cl.execute(args);
        } finally {
            System.setOut(saved);
        }
        return new CommandRun(code, bytes.toString(StandardCharsets.UTF_8), "");
    }

    /** Both streams, for assertion messages. */
    public String all() {
        return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}
