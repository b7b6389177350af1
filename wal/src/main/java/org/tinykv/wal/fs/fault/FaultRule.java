package org.tinykv.wal.fs.fault;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * One fault to inject: fail the Nth operation of a kind on matching paths (once, or from then on), or flip a bit
 * at a file offset in every read that covers it.
 *
 * <p>A rule counts the operations it matched, so an instance belongs to one {@link FaultInjectingFileSystem}.
 * Thread-safety: safe.
 */
public final class FaultRule {

    private final OpKind kind;
    private final Predicate<Path> paths;
    private final long nth;
    private final boolean sticky;
    private final long flipOffset;
    private final int flipBit;
    private final AtomicLong matched = new AtomicLong();
    private final AtomicLong fired = new AtomicLong();

    private FaultRule(final OpKind kind, final Predicate<Path> paths, final long nth, final boolean sticky,
                      final long flipOffset, final int flipBit) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.paths = Objects.requireNonNull(paths, "paths");
        if (nth < 1) {
            throw new IllegalArgumentException("nth counts from 1, got " + nth);
        }
        this.nth = nth;
        this.sticky = sticky;
        this.flipOffset = flipOffset;
        this.flipBit = flipBit;
    }

    /** Fails only the {@code nth} (from 1) operation of {@code kind} on a path matching {@code paths}. */
    public static FaultRule failNth(final OpKind kind, final Predicate<Path> paths, final long nth) {
        return new FaultRule(kind, paths, nth, false, -1, 0);
    }

    /** Fails the {@code nth} (from 1) operation of {@code kind} on matching paths and every later one. */
    public static FaultRule failFrom(final OpKind kind, final Predicate<Path> paths, final long nth) {
        return new FaultRule(kind, paths, nth, true, -1, 0);
    }

    /** Flips bit {@code bit} (0-7) of the byte at {@code fileOffset} in every read of a matching file. */
    public static FaultRule flipBitOnRead(final Predicate<Path> paths, final long fileOffset, final int bit) {
        if (fileOffset < 0 || bit < 0 || bit > 7) {
            throw new IllegalArgumentException("bad bit flip: offset " + fileOffset + " bit " + bit);
        }
        return new FaultRule(OpKind.READ, paths, 1, true, fileOffset, bit);
    }

    /** A path predicate matching file names that end with {@code suffix}. */
    public static Predicate<Path> nameEndsWith(final String suffix) {
        return p -> p.getFileName() != null && p.getFileName().toString().endsWith(suffix);
    }

    /** A path predicate matching every path. */
    public static Predicate<Path> anyPath() {
        return p -> true;
    }

    /** How many operations this rule failed (or reads it corrupted). */
    public long firedCount() {
        return fired.get();
    }

    boolean isBitFlip() {
        return flipOffset >= 0;
    }

    long flipOffset() {
        return flipOffset;
    }

    int flipBit() {
        return flipBit;
    }

    boolean matchesPath(final Path path) {
        return paths.test(path);
    }

    /** Counts a matching operation and returns whether it must fail. */
    boolean shouldFail(final OpKind op, final Path path) {
        if (op != kind || isBitFlip() || !paths.test(path)) {
            return false;
        }
        final long n = matched.incrementAndGet();
        final boolean fail = sticky ? n >= nth : n == nth;
        if (fail) {
            fired.incrementAndGet();
        }
        return fail;
    }

    void countFlip() {
        fired.incrementAndGet();
    }

    @Override
    public String toString() {
        return isBitFlip() ? "flip bit " + flipBit + " at offset " + flipOffset
            : (sticky ? "fail from " : "fail ") + kind + " #" + nth;
    }
}
