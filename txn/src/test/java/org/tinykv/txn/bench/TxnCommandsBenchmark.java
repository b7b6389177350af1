package org.tinykv.txn.bench;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.latch.Latches;
import org.tinykv.txn.types.MemComparable;

/** Single-threaded cost of the transactional commands on MemEngine, and of the key codec. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TxnCommandsBenchmark {
    private static final int KEYS = 10_000;
    private TxnCommands cmds;
    private long ts;
    private int next;
    private final byte[] key16 = new byte[16];

    @Setup(Level.Trial)
    public void setup() {
        cmds = new TxnCommands(new MemEngine(), new Latches(2048));
        ts = 1;
        for (int i = 0; i < KEYS; i++) {
            prewriteCommit(i);
        }
    }

    private static ByteString key(int i) {
        return ByteString.copyFrom(ByteBuffer.allocate(12).putInt(0x74000000).putLong(i).array());
    }

    private boolean prewriteCommit(int i) {
        long start = ts++;
        long commit = ts++;
        ByteString k = key(i);
        PrewriteRequest pw = PrewriteRequest.newBuilder().setStartVersion(start).setPrimaryLock(k).setLockTtl(3000)
                .addMutations(Mutation.newBuilder().setOp(Op.Put).setKey(k).setValue(ByteString.copyFromUtf8("v")))
                .build();
        if (cmds.prewrite(pw).getErrorsCount() != 0) {
            throw new IllegalStateException("prewrite failed");
        }
        return !cmds.commit(CommitRequest.newBuilder().setStartVersion(start).setCommitVersion(commit).addKeys(k)
                .build()).hasError();
    }

    /** Prewrite + commit of one key (two commands). */
    @Benchmark
    public boolean prewriteAndCommit() {
        next = (next + 1) % KEYS;
        return prewriteCommit(next);
    }

    /** Snapshot point read of a committed key. */
    @Benchmark
    public GetResponse get() {
        next = (next + 1) % KEYS;
        return cmds.get(GetRequest.newBuilder().setKey(key(next)).setVersion(ts).build());
    }

    /** Memcomparable encoding of a 16-byte key. */
    @Benchmark
    public byte[] encodeBytes16() {
        key16[0] = (byte) next++;
        return MemComparable.encodeBytes(key16);
    }
}
