package org.tinykv.wal.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.tinykv.wal.LogWriter;
import org.tinykv.wal.WalOptions;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.OsFileSystem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * fillsync-style WAL benchmark: synced appends of 130-byte records on the real file system (under
 * {@code -Dwal.bench.dir}, default the system temp dir), with 1 and 16 threads. Each iteration prints records/s,
 * fsyncs/s and records per fsync (group commit factor).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogWriterBenchmark {

    @Param({"0", "4194304"})
    public long preallocateBytes;

    private final byte[] record = new byte[130];
    private Path dir;
    private LogWriter writer;
    private long startNanos;
    private long startFsyncs;
    private long startRecords;
    private int fileNumber;

    @Setup(Level.Trial)
    public void createDir() throws IOException {
        dir = Files.createTempDirectory(Path.of(System.getProperty("wal.bench.dir",
            System.getProperty("java.io.tmpdir"))), "walbench");
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        final FileSystem fs = new OsFileSystem();
        final Path log = dir.resolve(String.format("%06d.log", ++fileNumber));
        writer = new LogWriter(fs.create(log), WalOptions.defaults().withPreallocateBytes(preallocateBytes));
        fs.syncDir(dir);
        startNanos = System.nanoTime();
        startFsyncs = writer.fsyncCount();
        startRecords = writer.recordCount();
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        final long fsyncs = writer.fsyncCount() - startFsyncs;
        final long records = writer.recordCount() - startRecords;
        System.out.printf("%n  [wal] prealloc=%d records/s=%.0f fsyncs/s=%.0f records/fsync=%.2f%n",
            preallocateBytes, records / seconds, fsyncs / seconds, fsyncs == 0 ? 0.0 : (double) records / fsyncs);
        writer.close();
        for (final String name : new OsFileSystem().list(dir)) {
            Files.deleteIfExists(dir.resolve(name));
        }
    }

    @TearDown(Level.Trial)
    public void deleteDir() throws IOException {
        Files.deleteIfExists(dir);
    }

    /** One thread: every append is synced before the next. */
    @Benchmark
    @Threads(1)
    public long fillsync1() throws IOException {
        return writer.append(record, 0, record.length);
    }

    /** 16 threads appending synced records concurrently: group commit. */
    @Benchmark
    @Threads(16)
    public long fillsync16() throws IOException {
        return writer.append(record, 0, record.length);
    }
}
