package org.tinykv.tools.bench;

import org.tinykv.tools.bench.lsm.LsmBenchCommand;
import org.tinykv.tools.bench.raw.RawBenchCommand;
import org.tinykv.tools.bench.txn.TxnBenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code tinykv-bench} command. A new workload family is added as a subcommand class in its own subpackage and
 * listed in {@code subcommands} below. Exit codes: 0 done, 1 the run failed, 2 bad usage.
 */
@Command(name = "tinykv-bench", mixinStandardHelpOptions = true,
    description = "Benchmarks for TinyKV: pick a subcommand.",
    subcommands = {RawBenchCommand.class, LsmBenchCommand.class, TxnBenchCommand.class,
        CommandLine.HelpCommand.class})
public final class TinyKvBench implements Runnable {

    @Spec
    private CommandSpec spec;

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (case-insensitive enum values, e.g. {@code --workload=PUT}). */
    public static CommandLine commandLine() {
        return new CommandLine(new TinyKvBench()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: raw, txn or lsm");
    }
}
