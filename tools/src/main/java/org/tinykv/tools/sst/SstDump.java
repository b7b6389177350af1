package org.tinykv.tools.sst;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.tinykv.lsm.iterator.InternalIterator;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.RangeTombstone;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.lsm.sstable.BlockHandle;
import org.tinykv.lsm.sstable.Compression;
import org.tinykv.lsm.sstable.Footer;
import org.tinykv.lsm.sstable.TableProperties;
import org.tinykv.lsm.sstable.TableReader;
import org.tinykv.tools.format.Bytes;
import org.tinykv.tools.format.KeyText;
import org.tinykv.tools.format.ToolRun;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.OsFileSystem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The {@code sst-dump} command: prints a table file's footer, properties, index, filter summary, range tombstones
 * and every entry, reading it through the engine's table reader; {@code --verify} checks every checksum and the
 * file's internal consistency ({@link TableVerifier}). Exit codes ({@link ToolRun}): 0 ok, 1 corruption found (the
 * message on stderr names the file and the offset), 2 bad usage or a missing or unreadable file.
 *
 * <p>Sequence numbers are printed as stored in the file: an ingested file stores 0 and gets its global sequence
 * number from the manifest.
 *
 * <p>Thread-safety: one instance runs one command line.
 */
@Command(name = "sst-dump", mixinStandardHelpOptions = true, version = "sst-dump 0.1.0",
    description = "Print TinyKV table (.sst) files: footer, properties, index, filter, range tombstones, entries.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every file read, no corruption", "1:corruption found (file and offset on stderr)",
        "2:usage error, missing or unreadable file"})
public final class SstDump implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "table files to dump")
    private List<Path> files;

    @Option(names = "--verify", description = "verify every block checksum and the consistency of the whole file")
    private boolean verify;

    @Option(names = "--no-entries", description = "do not print the entries")
    private boolean noEntries;

    @Option(names = "--values", description = "print values (hex and printable) instead of their sizes")
    private boolean values;

    @Option(names = "--limit", paramLabel = "N", description = "print at most N entries of each file")
    private long limit = -1;

    private final FileSystem fs;

    /** A command reading through {@code fs}. */
    public SstDump(final FileSystem fs) {
        this.fs = fs;
    }

    /** A command reading the real file system. */
    public SstDump() {
        this(new OsFileSystem());
    }

    /** Runs the command and exits the JVM with its exit code. */
    public static void main(final String[] args) {
        System.exit(new CommandLine(new SstDump()).execute(args));
    }

    @Override
    public Integer call() {
        if (limit < -1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 0, got " + limit);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        return ToolRun.forEachFile("sst-dump", files, fs, out, err, file -> dump(file, out));
    }

    private int dump(final Path path, final PrintWriter out) throws IOException {
        try (TableFile table = TableFile.open(fs, path);
             TableReader reader = TableReader.open(fs.openRandomAccess(path), 0, null, -1)) {
            out.println("file " + table.name() + " (" + table.size() + " bytes)");
            printFooter(table, out);
            final TableProperties props = reader.properties();
            printProperties(props, out);
            printIndex(table, out);
            final FilterSummary filter = FilterSummary.of(table.read(table.footer().filter()).contents());
            out.println("filter: " + filter.describe(props.entries()));
            final List<RangeTombstone> tombstones = reader.rangeTombstones().tombstones();
            out.println("range tombstones: " + tombstones.size());
            for (final RangeTombstone t : tombstones) {
                out.println("  [" + Bytes.both(t.begin()) + ", " + Bytes.both(t.end()) + ") seq=" + t.seq());
            }
            if (!noEntries) {
                printEntries(reader, out);
            }
            if (verify) {
                out.flush();
                final TableVerifier.Result r = TableVerifier.verify(table, props, tombstones.size());
                out.println("verify: OK (" + r.blocks() + " block checksums, " + r.entries() + " entries, "
                    + r.deletions() + " deletions, keys ordered, index, filter and properties consistent)");
            }
            out.println();
            return ToolRun.OK;
        }
    }

    private static void printFooter(final TableFile table, final PrintWriter out) {
        final Footer f = table.footer();
        out.println("footer (offset " + table.footerOffset() + "): format version " + Footer.FORMAT_VERSION
            + ", magic TINYKVST, checksum ok");
        out.println("  filter      " + handle(f.filter()));
        out.println("  range-del   " + handle(f.rangeDel()));
        out.println("  properties  " + handle(f.properties()));
        out.println("  index       " + handle(f.index()));
    }

    private static String handle(final BlockHandle h) {
        return "offset " + h.offset() + " size " + h.size();
    }

    private static void printProperties(final TableProperties p, final PrintWriter out) {
        out.println("properties:");
        out.println("  entries " + p.entries() + " (point deletions " + p.deletions() + "), range deletions "
            + p.rangeDeletions());
        out.println("  raw key bytes " + p.rawKeyBytes() + ", raw value bytes " + p.rawValueBytes());
        out.println("  data blocks " + p.dataBlocks() + ", data bytes " + p.dataBytes() + ", index bytes "
            + p.indexBytes() + ", filter bytes " + p.filterBytes());
        out.println("  smallest key " + KeyText.internal(p.smallestKey(), 0, p.smallestKey().length));
        out.println("  largest key  " + KeyText.internal(p.largestKey(), 0, p.largestKey().length));
        out.println("  sequence numbers " + p.minSeq() + ".." + p.maxSeq() + ", compression " + p.compression());
    }

    private static void printIndex(final TableFile table, final PrintWriter out) throws IOException {
        final List<IndexEntry> index = table.index();
        out.println("index: " + index.size() + " data blocks");
        for (int i = 0; i < index.size(); i++) {
            final IndexEntry e = index.get(i);
            final int type = table.storedType(e.handle());
            final Compression c = Compression.fromCode(type);
            out.println("  #" + i + " " + handle(e.handle()) + " " + (c == null ? "type " + type : c)
                + " last " + KeyText.internal(e.lastKey(), 0, e.lastKey().length));
        }
    }

    private void printEntries(final TableReader reader, final PrintWriter out) throws IOException {
        out.println("entries:");
        final long[] counts = new long[3]; // puts, deletions, other kinds
        long shown = 0;
        try (InternalIterator it = reader.iterator(false)) {
            for (it.seekToFirst(); it.valid() && (limit < 0 || shown < limit); it.next()) {
                final byte[] k = it.keyArray();
                final StringBuilder line = new StringBuilder("  ")
                    .append(KeyText.internal(k, it.keyOffset(), it.keyLength()));
                final int kind = it.keyLength() < InternalKey.TRAILER_BYTES ? -1
                    : InternalKey.kindOf(InternalKey.trailerOf(k, it.keyOffset(), it.keyLength()));
                if (kind == ValueKind.PUT.code() && values) {
                    line.append(" value ").append(Bytes.both(it.valueArray(), it.valueOffset(), it.valueLength()));
                } else if (kind != ValueKind.DELETE.code()) {
                    line.append(" value_size=").append(it.valueLength());
                }
                out.println(line);
                shown++;
                counts[kind == ValueKind.PUT.code() ? 0 : kind == ValueKind.DELETE.code() ? 1 : 2]++;
            }
            final String other = counts[2] > 0 ? ", other kinds " + counts[2] : "";
            final String more = it.valid() ? " (stopped at --limit " + limit + ")" : "";
            out.println("entries shown: " + shown + " (puts " + counts[0] + ", deletions " + counts[1] + other + ")"
                + more);
        }
    }
}
