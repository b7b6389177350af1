package org.tinykv.tools.bench.lsm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directory a benchmark run owns: one subdirectory per engine, and a marker file so that a later run may wipe
 * it. A non-empty directory without the marker is refused, so a mistyped {@code --db} never deletes user data.
 *
 * <p>Thread-safety: not thread-safe.
 */
final class BenchDirectory {

    static final String MARKER = ".tinykv-bench-lsm";

    private final Path root;
    private final boolean temporary;

    private BenchDirectory(final Path root, final boolean temporary) {
        this.root = root;
        this.temporary = temporary;
    }

    /** Uses {@code dir} (created if missing), or a new temporary directory removed by {@link #cleanUp()}. */
    static BenchDirectory prepare(final Path dir) throws IOException {
        if (dir == null) {
            final Path tmp = Files.createTempDirectory("tinykv-bench-lsm-");
            Files.createFile(tmp.resolve(MARKER));
            return new BenchDirectory(tmp, true);
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IOException("--db " + dir + " exists and is not a directory");
        }
        Files.createDirectories(dir);
        final Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException("refusing to use --db " + dir
                        + ": it is not empty and was not made by tinykv-bench lsm (no " + MARKER + " file)");
                }
            }
            Files.createFile(marker);
        }
        return new BenchDirectory(dir, false);
    }

    /** The root directory. */
    Path root() {
        return root;
    }

    /** The data directory of {@code engine} (may not exist yet). */
    Path engineDir(final EngineKind engine) {
        return root.resolve(engine.label());
    }

    /** Total size in bytes of the regular files under the data directory of {@code engine}. */
    long sizeOf(final EngineKind engine) throws IOException {
        final Path dir = engineDir(engine);
        if (!Files.exists(dir)) {
            return 0;
        }
        long total = 0;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(path)) {
                    total += Files.size(path);
                }
            }
        }
        return total;
    }

    /** Deletes the data directory of {@code engine} and everything in it. */
    void wipe(final EngineKind engine) throws IOException {
        deleteTree(engineDir(engine));
    }

    /** Removes the whole directory if it was a temporary one; keeps a {@code --db} directory. */
    void cleanUp() throws IOException {
        if (temporary) {
            deleteTree(root);
        }
    }

    private static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        final List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path path : paths) {
            Files.delete(path);
        }
    }
}
