package org.tinykv.multiraft.operation.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.pd.InMemorySchedulerClient;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.store.Engines;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.wal.fs.mem.MemFileSystem;

/** The split checker on MVCC-style keys: it splits only above the size, at a user-key boundary. */
class SplitCheckerTest {
    private static final Region REGION = Region.newBuilder().setId(1)
            .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(1))
            .addPeers(Peer.newBuilder().setId(2).setStoreId(1)).build();

    @Test
    void splitsTxnDataBetweenUserKeys() throws IOException {
        try (Engines e = Engines.open(new MemFileSystem(), Path.of("/s"), StoreConfig.defaults())) {
            final List<RaftCmdRequest> proposed = new ArrayList<>();
            final InMemorySchedulerClient pd = new InMemorySchedulerClient(50);
            final SplitChecker checker = new SplitChecker(e.kv(), pd.forStore(), 1000,
                    SplitKeyPolicy.encodedUserKey(), proposed::add);
            final WriteBatch wb = new WriteBatch();
            for (int u = 0; u < 5; u++) {
                for (long ts = 1; ts <= 4; ts++) {
                    wb.put(Cf.WRITE, Keys.dataKey(mvccKey("user-key-" + u, ts * 10)), new byte[20]);
                }
            }
            e.kv().write(wb, WriteOptions.NO_SYNC);
            assertNull(checker.splitKey(REGION), "about 700 bytes: no split");
            final WriteBatch more = new WriteBatch();
            for (int u = 5; u < 12; u++) {
                for (long ts = 1; ts <= 4; ts++) {
                    more.put(Cf.WRITE, Keys.dataKey(mvccKey("user-key-" + u, ts * 10)), new byte[20]);
                }
            }
            e.kv().write(more, WriteOptions.NO_SYNC);
            final byte[] key = checker.splitKey(REGION);
            assertNotNull(key);
            assertEquals(0, key.length % 9, "an EncodeBytes boundary: " + Arrays.toString(key));
            boolean matches = false;
            for (int u = 0; u < 12; u++) {
                matches |= Arrays.equals(encodeBytes(("user-key-" + u).getBytes(StandardCharsets.UTF_8)), key);
            }
            assertTrue(matches, "the boundary is the encoding of a written user key");
            final Region right = REGION.toBuilder().setStartKey(ByteString.copyFrom(key)).build();
            checker.check(REGION, REGION.getPeers(0));
            checker.doWork();
            assertEquals(1, proposed.size());
            assertArrayEquals(key, proposed.get(0).getAdminRequest().getSplit().getSplitKey().toByteArray());
            assertEquals(50, proposed.get(0).getAdminRequest().getSplit().getNewRegionId());
            assertNull(checker.splitKey(right.toBuilder().setStartKey(ByteString.copyFrom(
                    encodeBytes("user-key-9".getBytes(StandardCharsets.UTF_8)))).build()), "small tail: no split");
        }
    }

    private static byte[] mvccKey(final String user, final long ts) {
        final byte[] enc = encodeBytes(user.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.allocate(enc.length + 8).put(enc).putLong(~ts).array();
    }

    private static byte[] encodeBytes(final byte[] key) {
        final int groups = key.length / 8 + 1;
        final byte[] out = new byte[groups * 9];
        for (int g = 0; g < groups; g++) {
            final int n = Math.min(8, Math.max(0, key.length - g * 8));
            System.arraycopy(key, g * 8, out, g * 9, n);
            out[g * 9 + 8] = (byte) (0xFF - (8 - n));
        }
        return out;
    }
}
