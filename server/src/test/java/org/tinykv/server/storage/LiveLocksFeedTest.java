package org.tinykv.server.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.engine.LiveLocks;
import org.tinykv.txn.latch.Latches;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.LockKind;
import org.tinykv.wal.fs.OsFileSystem;

/** The feed from a kv engine's lock CF into the live-lock index, and the index across a restart. */
class LiveLocksFeedTest {
    private static final byte[] DATA = {'z'};

    @TempDir
    Path dir;

    private static byte[] b(final String s) {
        return s.getBytes(UTF_8);
    }

    private static byte[] lock(final long startTs) {
        return new Lock(b("p"), startTs, 3000, LockKind.PUT).toBytes();
    }

    private static List<String> keysOf(final LiveLocks locks, final long startTs) {
        return locks.keysOf(startTs).stream().map(k -> new String(k, UTF_8)).toList();
    }

    @Test
    void onlyKeysBehindThePrefixAreLocksAndTheyLoseIt() {
        final LiveLocks locks = new LiveLocks();
        final LiveLocksFeed feed = new LiveLocksFeed(locks, DATA);
        feed.put(b("za"), lock(7));
        feed.put(b("zb"), lock(7));
        feed.put(b("\u0001meta"), lock(7));
        assertEquals(List.of("a", "b"), keysOf(locks, 7));
        feed.delete(b("za"));
        feed.delete(b("a")); // not a data key: ignored
        assertEquals(List.of("b"), keysOf(locks, 7));
    }

    @Test
    void rangeDeletesMapTheirEndsIntoTheDataKeySpace() {
        final LiveLocks locks = new LiveLocks();
        final LiveLocksFeed feed = new LiveLocksFeed(locks, DATA);
        for (final String k : List.of("a", "c", "e", "g")) {
            feed.put(b("z" + k), lock(1));
        }
        feed.deleteRange(b("\u0001"), b("\u0002")); // entirely below the data keys
        feed.deleteRange(b("{"), b("|")); // entirely above
        assertEquals(4, locks.size());
        feed.deleteRange(b("zb"), b("zd"));
        assertEquals(List.of("a", "e", "g"), keysOf(locks, 1));
        feed.deleteRange(b("zf"), new byte[] {'z' + 1}); // a region with no end key
        assertEquals(List.of("a", "e"), keysOf(locks, 1));
        feed.deleteRange(b("\u0001"), b("ze")); // from below the data keys
        assertEquals(List.of("e"), keysOf(locks, 1));
    }

    @Test
    void aLockWrittenBeforeARestartIsResolvedAfterIt() throws IOException {
        final PrewriteRequest prewrite = PrewriteRequest.newBuilder().setStartVersion(10).setLockTtl(3000)
            .setPrimaryLock(ByteString.copyFromUtf8("k1")).addMutations(Mutation.newBuilder().setOp(Op.Put)
                .setKey(ByteString.copyFromUtf8("k1")).setValue(ByteString.copyFromUtf8("v1")))
            .addMutations(Mutation.newBuilder().setOp(Op.Put).setKey(ByteString.copyFromUtf8("k2"))
                .setValue(ByteString.copyFromUtf8("v2"))).build();
        try (StandaloneStorage storage = StandaloneStorage.open(new OsFileSystem(), dir,
                StandaloneOptions.defaults())) {
            final TxnCommands txn = new TxnCommands(new StandaloneTxnEngine(storage), new Latches(16));
            assertEquals(0, txn.prewrite(prewrite).getErrorsCount());
        }
        try (StandaloneStorage storage = StandaloneStorage.open(new OsFileSystem(), dir,
                StandaloneOptions.defaults())) {
            final StandaloneTxnEngine engine = new StandaloneTxnEngine(storage);
            assertEquals(2, engine.liveLocks().keysOf(10).size(), "the index is rebuilt from the lock CF");
            final TxnCommands txn = new TxnCommands(engine, new Latches(16));
            assertFalse(txn.resolveLock(ResolveLockRequest.newBuilder().setStartVersion(10).setCommitVersion(20)
                .build()).hasError());
            assertEquals(0, engine.liveLocks().size());
            for (final String k : List.of("k1", "k2")) {
                assertEquals("v" + k.charAt(1), txn.get(GetRequest.newBuilder().setKey(ByteString.copyFromUtf8(k))
                    .setVersion(30).build()).getValue().toStringUtf8());
            }
        }
    }
}
