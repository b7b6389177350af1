package org.tinykv.tools.bench.lsm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The engines {@code tinykv-bench lsm} can run, by their command-line label. */
enum EngineKind {
    /** TinyKV's own LSM engine, {@code org.tinykv.lsm.Db}. */
    TINYKV("tinykv"),
    /** RocksDB through rocksdbjni. */
    ROCKSDB("rocksdb");

    private final String label;

    EngineKind(final String label) {
        this.label = label;
    }

    /** The name used in {@code --engines} and in RESULT lines. */
    String label() {
        return label;
    }

    /** Opens this engine in {@code dir} (created if missing) with {@code settings}. */
    BenchEngine open(final Path dir, final EngineSettings settings) throws IOException {
        return switch (this) {
            case TINYKV -> TinyKvEngine.open(dir, settings);
            case ROCKSDB -> RocksDbEngine.open(dir, settings);
        };
    }

    /** The engine labelled {@code label} (case-insensitive). */
    static EngineKind fromLabel(final String label) {
        final String wanted = label.trim().toLowerCase(Locale.ROOT);
        for (EngineKind kind : values()) {
            if (kind.label.equals(wanted)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown engine '" + label + "' (expected tinykv or rocksdb)");
    }
}
