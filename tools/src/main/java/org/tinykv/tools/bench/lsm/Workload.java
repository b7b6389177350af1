package org.tinykv.tools.bench.lsm;

import java.util.Locale;

/**
 * The {@code db_bench} workloads {@code tinykv-bench lsm} runs, by their command-line name.
 *
 * <p>{@link #freshDb()} workloads start from an empty database; {@link #needsData()} workloads run over the
 * database that the previous fill of the same engine left (a {@code fillseq} of {@code num} keys is loaded first,
 * untimed, when there is none).
 */
enum Workload {
    /** Keys {@code 0..num-1} in order into a fresh database. */
    FILLSEQ("fillseq", true, false),
    /** {@code num} keys drawn uniformly from {@code 0..num-1} into a fresh database. */
    FILLRANDOM("fillrandom", true, false),
    /** {@code num} random keys over the existing database. */
    OVERWRITE("overwrite", false, true),
    /** {@code num} gets of random keys of the key space. */
    READRANDOM("readrandom", false, true),
    /** {@code num} gets of keys that were never written. */
    READMISSING("readmissing", false, true),
    /** One iterator from the first key to the end (at most {@code num} entries). */
    READSEQ("readseq", false, true),
    /** {@code num} times: a new iterator, seek to a random key, then up to 10 nexts. */
    SEEKRANDOM("seekrandom", false, true),
    /** {@code num / 100} synced random puts into a fresh database (db_bench's fillsync). */
    FILLSYNC("fillsync", true, false),
    /** {@code threads} readers doing {@code num} random gets in all, beside one writer doing random puts. */
    READWHILEWRITING("readwhilewriting", false, true);

    private final String label;
    private final boolean freshDb;
    private final boolean needsData;

    Workload(final String label, final boolean freshDb, final boolean needsData) {
        this.label = label;
        this.freshDb = freshDb;
        this.needsData = needsData;
    }

    /** The name used in {@code --workloads} and in RESULT lines. */
    String label() {
        return label;
    }

    /** Whether this workload starts from an empty database. */
    boolean freshDb() {
        return freshDb;
    }

    /** Whether this workload needs the key space {@code 0..num-1} filled. */
    boolean needsData() {
        return needsData;
    }

    /** Whether the database holds the filled key space after this workload ran (fillsync leaves only a few keys). */
    boolean leavesData() {
        return this != FILLSYNC;
    }

    /** The workload named {@code label} (case-insensitive). */
    static Workload fromLabel(final String label) {
        final String wanted = label.trim().toLowerCase(Locale.ROOT);
        for (Workload workload : values()) {
            if (workload.label.equals(wanted)) {
                return workload;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + label + "'");
    }
}
