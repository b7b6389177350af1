package org.tinykv.multiraft.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.Cf;
import org.tinykv.multiraft.store.Engines;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.GetRequest;
import org.tinykv.proto.raft_cmdpb.PutRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.proto.raft_serverpb.RaftApplyState;
import org.tinykv.proto.raft_serverpb.RaftTruncatedState;
import org.tinykv.wal.fs.mem.MemFileSystem;

class ApplyDelegateTest {
    private static final Region REGION = Region.newBuilder().setId(4).setStartKey(ByteString.copyFromUtf8("b"))
            .setEndKey(ByteString.copyFromUtf8("m")).setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1)
                    .setVersion(2)).addPeers(Peer.newBuilder().setId(41).setStoreId(1)).build();

    private static Entry entry(final long index, final long term, final RaftCmdRequest req) {
        final Entry.Builder b = Entry.newBuilder().setIndex(index).setTerm(term);
        if (req != null) {
            b.setData(req.toByteString());
        }
        return b.build();
    }

    private static RaftCmdRequest cmd(final long version, final Request... reqs) {
        final RaftCmdRequest.Builder b = RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder()
                .setRegionId(4).setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(version)));
        for (final Request r : reqs) {
            b.addRequests(r);
        }
        return b.build();
    }

    private static Request put(final String cf, final String k, final String v) {
        return Request.newBuilder().setCmdType(CmdType.Put).setPut(PutRequest.newBuilder().setCf(cf)
                .setKey(ByteString.copyFromUtf8(k)).setValue(ByteString.copyFromUtf8(v))).build();
    }

    private static Request get(final String k) {
        return Request.newBuilder().setCmdType(CmdType.Get).setGet(GetRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8(k))).build();
    }

    @Test
    void appliesInOrderMatchesProposalsAndPersistsApplyStateWithData() throws IOException {
        final MemFileSystem fs = new MemFileSystem();
        final Map<String, RaftCmdResponse> answers = new HashMap<>();
        try (Engines e = Engines.open(fs, Path.of("/a"), StoreConfig.defaults())) {
            final ApplyDelegate d = new ApplyDelegate(REGION, RaftApplyState.newBuilder().setAppliedIndex(5)
                    .setTruncatedState(RaftTruncatedState.newBuilder().setIndex(5).setTerm(5)).build());
            final ApplyContext ctx = new ApplyContext(e.kv());
            final List<Proposal> ps = new ArrayList<>();
            ps.add(new Proposal(6, 6, (r, s) -> answers.put("p6", r)));
            ps.add(new Proposal(7, 5, (r, s) -> answers.put("p7-old-term", r)));
            ps.add(new Proposal(8, 6, (r, s) -> answers.put("p8", r)));
            ps.add(new Proposal(9, 6, (r, s) -> answers.put("p9", r)));
            ps.add(new Proposal(10, 6, (r, s) -> answers.put("p10", r)));
            ps.add(new Proposal(11, 6, (r, s) -> answers.put("p11", r)));
            final List<Entry> ents = List.of(
                    entry(5, 5, cmd(2, put("default", "c", "skipped"))),
                    entry(6, 6, cmd(2, put("default", "c", "1"), put("write", "d", "w"))),
                    entry(7, 6, null),
                    entry(8, 6, cmd(1, put("default", "c", "stale epoch"))),
                    entry(9, 6, cmd(2, put("default", "z", "outside"))),
                    entry(10, 6, cmd(2, put("raft", "c", "meta cf"))));
            d.handle(new ApplyTask.Apply(4, ents, ps.subList(0, 5)), ctx);
            assertTrue(answers.isEmpty(), "answers wait for the write");
            ctx.flush();
            // a Get inside a write command reads everything applied before it (the batch is flushed first)
            d.handle(new ApplyTask.Apply(4, List.of(entry(11, 6, cmd(2, put("lock", "c", "L"), get("c")))),
                    ps.subList(5, 6)), ctx);
            ctx.flush();
            assertFalse(answers.get("p6").getHeader().hasError());
            assertEquals(2, answers.get("p6").getResponsesCount());
            assertTrue(answers.get("p7-old-term").getHeader().getError().hasStaleCommand());
            assertTrue(answers.get("p8").getHeader().getError().hasEpochNotMatch());
            assertTrue(answers.get("p9").getHeader().getError().hasKeyNotInRegion());
            assertTrue(answers.get("p10").getHeader().getError().getMessage().contains("column family"));
            assertEquals("1", answers.get("p11").getResponses(1).getGet().getValue().toStringUtf8());
            assertEquals(11, d.appliedIndex());
        }
        try (Engines e = Engines.open(fs.crashClone(), Path.of("/a"), StoreConfig.defaults())) {
            // the kv engine is not synced: after a crash it holds a prefix of batches, each with its apply state
            final byte[] as = e.kv().get(Keys.META_CF, Keys.applyStateKey(4));
            final long applied = as == null ? 5 : RaftApplyState.parseFrom(as).getAppliedIndex();
            final byte[] c = e.kv().get(Cf.DEFAULT, Keys.dataKey(bytes("c")));
            if (applied >= 6) {
                assertArrayEquals(bytes("1"), c);
                assertArrayEquals(bytes("w"), e.kv().get(Cf.WRITE, Keys.dataKey(bytes("d"))));
            } else {
                assertNull(c);
            }
        }
        try (Engines e = Engines.open(fs, Path.of("/a"), StoreConfig.defaults())) {
            assertEquals(11, RaftApplyState.parseFrom(e.kv().get(Keys.META_CF, Keys.applyStateKey(4)))
                    .getAppliedIndex());
            assertArrayEquals(bytes("L"), e.kv().get(Cf.LOCK, Keys.dataKey(bytes("c"))));
            assertNull(e.kv().get(Cf.DEFAULT, Keys.dataKey(bytes("z"))));
        }
    }

    @Test
    void readsWaitForTheirIndex() throws IOException {
        try (Engines e = Engines.open(new MemFileSystem(), Path.of("/r"), StoreConfig.defaults())) {
            final ApplyDelegate d = new ApplyDelegate(REGION, RaftApplyState.newBuilder().setAppliedIndex(5).build());
            final ApplyContext ctx = new ApplyContext(e.kv());
            final List<RaftCmdResponse> got = new ArrayList<>();
            d.handle(new ApplyTask.Read(4, 6, 6, cmd(2, get("c")), (r, s) -> got.add(r)), ctx);
            ctx.flush();
            d.serveReads(ctx);
            assertTrue(got.isEmpty() && d.hasPendingReads(), "read index 6 not applied yet");
            d.handle(new ApplyTask.Apply(4, List.of(entry(6, 6, cmd(2, put("", "c", "v")))), List.of()), ctx);
            ctx.flush();
            d.serveReads(ctx);
            assertEquals(1, got.size());
            assertEquals("v", got.get(0).getResponses(0).getGet().getValue().toStringUtf8());
        }
    }

    private static byte[] bytes(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
