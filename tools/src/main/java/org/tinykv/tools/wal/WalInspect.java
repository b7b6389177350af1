package org.tinykv.tools.wal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.tinykv.tools.format.ToolRun;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.OsFileSystem;
import org.tinykv.wal.fs.RandomAccessFile;
import org.tinykv.wal.record.RecordReader;
import org.tinykv.wal.record.RecoveryMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code wal-inspect} command: prints every record of log files (WAL {@code NNNNNN.log} and
 * {@code MANIFEST-NNNNNN}) with its offset and length, read through the engine's {@link RecordReader} in a chosen
 * recovery mode, decoded as write batches or version edits ({@link LogKind}), then a summary per file.
 *
 * <p>Every corruption met is reported on stderr with the file and the byte offset, whether the mode throws it (the
 * inspection of that file ends there, after its summary) or tolerates it (listed, reading goes on as the mode
 * says); a record whose payload does not decode is reported and skipped. Exit codes ({@link ToolRun}): 0 no
 * corruption, 1 corruption found, 2 bad usage or a missing or unreadable file.
 *
 * <p>Thread-safety: one instance runs one command line.
 */
@Command(name = "wal-inspect", mixinStandardHelpOptions = true, version = "wal-inspect 0.1.0",
    description = "Print the records of TinyKV log files (WAL .log files, MANIFEST-* files) and a summary.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every file read, no corruption", "1:corruption found (file and offset on stderr)",
        "2:usage error, missing or unreadable file"})
public final class WalInspect implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "log files (NNNNNN.log, MANIFEST-NNNNNN)")
    private List<Path> files;

    @Option(names = "--mode", paramLabel = "MODE", converter = ModeConverter.class,
        completionCandidates = ModeConverter.class,
        description = "recovery mode of the reader: ${COMPLETION-CANDIDATES} (default: tolerate)")
    private RecoveryMode mode = RecoveryMode.TOLERATE_CORRUPTED_TAIL;

    @Option(names = "--no-records", description = "print only the per-file summary")
    private boolean noRecords;

    @Option(names = "--values", description = "print values (hex and printable) instead of their sizes")
    private boolean values;

    @Option(names = "--format", paramLabel = "KIND",
        description = "how to decode records: ${COMPLETION-CANDIDATES} (default: auto, by file name)")
    private LogKind format = LogKind.AUTO;

    private final FileSystem fs;

    /** A command reading through {@code fs}. */
    public WalInspect(final FileSystem fs) {
        this.fs = fs;
    }

    /** A command reading the real file system. */
    public WalInspect() {
        this(new OsFileSystem());
    }

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(final String[] args) {
        System.exit(commandLine(new WalInspect()).execute(args));
    }

    /** The configured command line for {@code command} (case-insensitive {@code --format}). */
    public static CommandLine commandLine(final WalInspect command) {
        return new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        return ToolRun.forEachFile("wal-inspect", files, fs, out, err, file -> inspect(file, out, err));
    }

    private int inspect(final Path path, final PrintWriter out, final PrintWriter err) throws IOException {
        final LogKind kind = format.resolve(path);
        final RecordPrinter printer = kind.newPrinter(values);
        final RandomAccessFile file = fs.openRandomAccess(path);
        try (RecordReader reader = new RecordReader(file, mode)) {
            final String name = file.name();
            final long size = file.size();
            out.println("file " + name + " (" + size + " bytes), mode " + ModeConverter.nameOf(mode)
                + ", records: " + kind.name().toLowerCase(Locale.ROOT));
            long records = 0;
            long payloadBytes = 0;
            int badPayloads = 0;
            try {
                for (byte[] rec = reader.next(); rec != null; rec = reader.next()) {
                    final long at = reader.lastRecordOffset();
                    if (!noRecords) {
                        out.println("record #" + records + " offset " + at + " length " + rec.length + " (on disk "
                            + (reader.endOffset() - at) + " bytes)");
                    }
                    records++;
                    payloadBytes += rec.length;
                    try {
                        printer.record(name, at, rec, noRecords, out);
                    } catch (final CorruptionException e) {
                        badPayloads++;
                        report(out, err, e);
                    }
                }
            } catch (final CorruptionException e) {
                summary(out, name, records, payloadBytes, reader, size, printer);
                throw e;
            }
            summary(out, name, records, payloadBytes, reader, size, printer);
            for (final CorruptionException e : reader.skippedCorruptions()) {
                report(out, err, e);
            }
            return reader.skippedCorruptions().isEmpty() && badPayloads == 0 ? ToolRun.OK : ToolRun.CORRUPTION;
        }
    }

    private static void report(final PrintWriter out, final PrintWriter err, final CorruptionException e) {
        out.flush();
        err.println("wal-inspect: " + e.getMessage());
        err.flush();
    }

    private static void summary(final PrintWriter out, final String name, final long records, final long bytes,
                                final RecordReader reader, final long size, final RecordPrinter printer) {
        out.println("summary of " + name + ":");
        out.println("  records " + records + ", payload bytes " + bytes + ", last record ends at offset "
            + reader.endOffset() + " of " + size + ", corruptions skipped " + reader.skippedCorruptions().size());
        printer.summary(out);
        out.println();
    }
}
