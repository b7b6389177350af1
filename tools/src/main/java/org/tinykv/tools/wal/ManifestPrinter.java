package org.tinykv.tools.wal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.version.FileMetadata;
import org.tinykv.lsm.version.VersionEdit;
import org.tinykv.tools.format.KeyText;
import org.tinykv.wal.CorruptionException;

/**
 * Decodes MANIFEST records as version edits with the engine's {@link VersionEdit#decode} and prints every field;
 * folds the edits into the set of live files (added minus deleted) and prints it in the summary, with the last log
 * number, next file number and last sequence seen. See docs/formats/manifest.md.
 *
 * <p>Thread-safety: confined to one thread.
 */
final class ManifestPrinter implements RecordPrinter {

    /** Where a live file sits. */
    private record Slot(int cf, int level, long number) {
    }

    private final Map<Slot, FileMetadata> live = new TreeMap<>(Comparator.comparingInt(Slot::cf)
        .thenComparingInt(Slot::level).thenComparingLong(Slot::number));
    private long edits;
    private long added;
    private long deleted;
    private long logNumber = -1;
    private long nextFile = -1;
    private long lastSeq = -1;

    @Override
    public void record(final String file, final long offset, final byte[] payload, final boolean quiet,
                       final PrintWriter out) throws CorruptionException {
        final VersionEdit e;
        try {
            e = VersionEdit.decode(payload);
        } catch (final IOException | RuntimeException ex) {
            throw new CorruptionException(file, offset, "bad version edit: " + ex.getMessage());
        }
        edits++;
        logNumber = e.logNumber() >= 0 ? e.logNumber() : logNumber;
        nextFile = e.nextFileNumber() >= 0 ? e.nextFileNumber() : nextFile;
        lastSeq = e.lastSequence() >= 0 ? e.lastSequence() : lastSeq;
        if (!quiet) {
            out.println("    version edit: log number " + opt(e.logNumber()) + ", next file number "
                + opt(e.nextFileNumber()) + ", last sequence " + opt(e.lastSequence()));
        }
        for (final VersionEdit.Deleted d : e.deleted()) {
            deleted++;
            live.remove(new Slot(d.cf(), d.level(), d.number()));
            if (!quiet) {
                out.println("      delete cf " + cfName(d.cf()) + " level " + d.level() + " file "
                    + tableName(d.number()));
            }
        }
        for (final VersionEdit.Added a : e.added()) {
            added++;
            live.put(new Slot(a.cf(), a.level(), a.file().number()), a.file());
            if (!quiet) {
                out.println("      add cf " + cfName(a.cf()) + " level " + a.level() + " " + describe(a.file()));
            }
        }
    }

    private static String opt(final long v) {
        return v < 0 ? "-" : Long.toString(v);
    }

    private static String cfName(final int id) {
        return id >= 0 && id < Cf.values().length ? Cf.fromId(id).cfName() : "#" + id;
    }

    private static String tableName(final long number) {
        return String.format(Locale.ROOT, "%06d.sst", number);
    }

    private static String describe(final FileMetadata f) {
        return "file " + tableName(f.number()) + " size " + f.size() + " entries " + f.entries() + " range deletions "
            + f.rangeDeletes() + " seqs " + f.smallestSeq() + ".." + f.largestSeq()
            + (f.globalSeq() >= 0 ? " global seq " + f.globalSeq() : "")
            + "\n        smallest " + KeyText.internal(f.smallest()) + "\n        largest  "
            + KeyText.internal(f.largest());
    }

    @Override
    public void summary(final PrintWriter out) {
        out.println("  version edits: " + edits + ", files added " + added + ", files deleted " + deleted);
        out.println("  final state: log number " + opt(logNumber) + ", next file number " + opt(nextFile)
            + ", last sequence " + opt(lastSeq) + ", live files " + live.size());
        live.forEach((slot, f) -> out.println("    cf " + cfName(slot.cf()) + " level " + slot.level() + " "
            + tableName(f.number()) + " size " + f.size() + " entries " + f.entries()));
    }
}
