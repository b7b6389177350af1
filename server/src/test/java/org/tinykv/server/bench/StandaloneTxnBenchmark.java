package org.tinykv.server.bench;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.tinykv.lsm.Cf;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.server.storage.StandaloneOptions;
import org.tinykv.server.storage.StandaloneStorage;
import org.tinykv.server.storage.StandaloneTxnEngine;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.latch.Latches;
import org.tinykv.wal.fs.OsFileSystem;

/**
 * Server-side CPU of the 1-key read-modify-write transaction that {@code tinykv-bench txn} runs (KvGet, KvPrewrite,
 * KvCommit through {@link TxnCommands} over {@link StandaloneTxnEngine}), next to one raw put, without gRPC. The
 * store lives under {@code -Dbench.dir} (default {@code /dev/shm}, where fsync is nearly free, so the numbers are
 * CPU, not disk).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StandaloneTxnBenchmark {
    private static final byte[] VALUE = new byte[128];

    /** Distinct keys, all written once in the setup. */
    @Param("10000")
    public int keys;

    private Path dir;
    private StandaloneStorage storage;
    private TxnCommands cmds;
    private long ts;
    private int next;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory(Paths.get(System.getProperty("bench.dir", "/dev/shm")), "txnbench");
        storage = StandaloneStorage.open(new OsFileSystem(), dir, StandaloneOptions.defaults());
        cmds = new TxnCommands(new StandaloneTxnEngine(storage), new Latches(2048));
        ts = 1 << 20;
        for (int i = 0; i < keys; i++) {
            transaction(i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        storage.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static ByteString key(int i) {
        return ByteString.copyFrom(String.format("txnbench/%012d", i), java.nio.charset.StandardCharsets.US_ASCII);
    }

    private boolean transaction(int i) {
        long start = ts++;
        ByteString k = key(i);
        GetResponse got = cmds.get(GetRequest.newBuilder().setKey(k).setVersion(start).build());
        long counter = got.getValue().size() == 8 ? got.getValue().asReadOnlyByteBuffer().getLong() : 0;
        PrewriteRequest pw = PrewriteRequest.newBuilder().setStartVersion(start).setPrimaryLock(k).setLockTtl(3000)
            .addMutations(Mutation.newBuilder().setOp(Op.Put).setKey(k)
                .setValue(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(counter + 1).array())))
            .build();
        if (cmds.prewrite(pw).getErrorsCount() != 0) {
            throw new IllegalStateException("prewrite failed");
        }
        long commit = ts++;
        return !cmds.commit(CommitRequest.newBuilder().setStartVersion(start).setCommitVersion(commit).addKeys(k)
            .build()).hasError();
    }

    /** KvGet + KvPrewrite + KvCommit of one key. */
    @Benchmark
    public boolean readModifyWrite() {
        next = (next + 1) % keys;
        return transaction(next);
    }

    /** KvGet of a committed key. */
    @Benchmark
    public GetResponse get() {
        next = (next + 1) % keys;
        return cmds.get(GetRequest.newBuilder().setKey(key(next)).setVersion(ts).build());
    }

    /** One raw put of a 128-byte value (what {@code tinykv-bench raw} measures, minus gRPC). */
    @Benchmark
    public int rawPut() throws IOException {
        next = (next + 1) % keys;
        storage.put(Cf.DEFAULT, key(next).toByteArray(), VALUE);
        return next;
    }
}
