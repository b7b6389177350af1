package org.tinykv.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.coprocessor.Request;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.errorpb.StaleCommand;
import org.tinykv.proto.kvrpcpb.Action;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.kvrpcpb.KeyError;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.kvrpcpb.WriteConflict;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.metapb.StoreState;
import org.tinykv.proto.raft_cmdpb.AdminCmdType;
import org.tinykv.proto.raft_serverpb.PeerState;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.schedulerpb.RegionHeartbeatRequest;
import org.tinykv.proto.schedulerpb.RequestHeader;

/**
 * Golden encodings written by hand from TinyKV's field numbers and wire types.
 * Tag byte = (field_number << 3) | wire_type, wire types: 0 = varint, 2 = length-delimited.
 * Java serializes known fields in field-number order, and proto3 omits zero/empty scalars.
 */
class WireCompatibilityTest {

    private static final HexFormat HEX = HexFormat.of();

    /** Asserts msg encodes to exactly {@code hex} and that {@code hex} decodes back to msg. */
    private static <T extends MessageLite> void assertGolden(T msg, String hex, Parser<T> parser) throws Exception {
        byte[] golden = HEX.parseHex(hex.replace(" ", ""));
        assertEquals(HEX.formatHex(golden), HEX.formatHex(msg.toByteArray()), "encoding");
        assertEquals(msg, parser.parseFrom(golden), "decoding");
    }

    private static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static Peer peer(long id, long storeId) {
        return Peer.newBuilder().setId(id).setStoreId(storeId).build();
    }

    @Test
    void rawPutRequest() throws Exception {
        RawPutRequest msg = RawPutRequest.newBuilder()
                .setContext(Context.newBuilder().setRegionId(300))
                .setKey(bs("k"))
                .setValue(bs("v"))
                .setCf("default")
                .build();
        String hex = ""
                + "0a 03"                   // context: field 1, LEN -> (1<<3)|2 = 0x0a, 3 bytes
                + "   08 ac 02"             //   region_id: (1<<3)|0 = 0x08; 300 = varint ac 02 (0x2c|0x80, 300>>7=2)
                + "12 01 6b"                // key: (2<<3)|2 = 0x12, "k"
                + "1a 01 76"                // value: (3<<3)|2 = 0x1a, "v"
                + "22 07 64656661756c74";   // cf: (4<<3)|2 = 0x22, "default"
        assertGolden(msg, hex, RawPutRequest.parser());
    }

    @Test
    void prewriteRequest() throws Exception {
        PrewriteRequest msg = PrewriteRequest.newBuilder()
                .addMutations(Mutation.newBuilder().setOp(Op.Put).setKey(bs("a")).setValue(bs("1")))
                .addMutations(Mutation.newBuilder().setOp(Op.Del).setKey(bs("b")))
                .setPrimaryLock(bs("a"))
                .setStartVersion(100)
                .setLockTtl(3000)
                .build();
        String hex = ""
                + "12 06"                   // mutations[0]: (2<<3)|2 = 0x12, 6 bytes
                + "   12 01 61"             //   op = Put (0) is omitted; key: (2<<3)|2 = 0x12, "a"
                + "   1a 01 31"             //   value: (3<<3)|2 = 0x1a, "1"
                + "12 05"                   // mutations[1]: 0x12, 5 bytes
                + "   08 01"                //   op: (1<<3)|0 = 0x08, Del = 1
                + "   12 01 62"             //   key: 0x12, "b"
                + "1a 01 61"                // primary_lock: (3<<3)|2 = 0x1a, "a"
                + "20 64"                   // start_version: (4<<3)|0 = 0x20, 100 = 0x64
                + "28 b8 17";               // lock_ttl: (5<<3)|0 = 0x28, 3000 = varint b8 17 (56|0x80, 3000>>7=23)
        assertGolden(msg, hex, PrewriteRequest.parser());
    }

    @Test
    void raftMessage() throws Exception {
        RaftMessage msg = RaftMessage.newBuilder()
                .setRegionId(1)
                .setFromPeer(peer(1, 1))
                .setToPeer(peer(2, 2))
                .setMessage(org.tinykv.proto.eraftpb.Message.newBuilder()
                        .setMsgType(MessageType.MsgAppend)
                        .setTerm(5)
                        .setIndex(6)
                        .addEntries(Entry.newBuilder().setTerm(5).setIndex(7).setData(bs("x")))
                        .addEntries(Entry.newBuilder().setTerm(5).setIndex(8).setData(bs("yz"))))
                .build();
        String hex = ""
                + "08 01"                   // region_id: (1<<3)|0 = 0x08, 1
                + "12 04 0801 1001"         // from_peer: (2<<3)|2 = 0x12; Peer{id (0x08) 1, store_id (0x10) 1}
                + "1a 04 0802 1002"         // to_peer: (3<<3)|2 = 0x1a; Peer{id 2, store_id 2}
                + "22 19"                   // message: (4<<3)|2 = 0x22, 25 bytes (eraftpb.Message)
                + "   08 03"                //   msg_type: (1<<3)|0 = 0x08, MsgAppend = 3
                + "   20 05"                //   term: (4<<3)|0 = 0x20, 5
                + "   30 06"                //   index: (6<<3)|0 = 0x30, 6
                + "   3a 07"                //   entries[0]: (7<<3)|2 = 0x3a, 7 bytes; entry_type Normal omitted
                + "      10 05"             //     term: (2<<3)|0 = 0x10, 5
                + "      18 07"             //     index: (3<<3)|0 = 0x18, 7
                + "      22 01 78"          //     data: (4<<3)|2 = 0x22, "x"
                + "   3a 08"                //   entries[1]: 0x3a, 8 bytes
                + "      10 05"             //     term 5
                + "      18 08"             //     index 8
                + "      22 02 797a";       //     data "yz"
        assertGolden(msg, hex, RaftMessage.parser());
    }

    /** Our one addition to raft_serverpb (hibernation notices): a field TinyKV does not use, numbered as in TiKV. */
    @Test
    void raftMessageExtraNoticeIsAnAdditionalField() throws Exception {
        RaftMessage msg = RaftMessage.newBuilder()
                .setRegionId(1)
                .setExtraMsg(org.tinykv.proto.raft_serverpb.ExtraMessage.newBuilder()
                        .setType(org.tinykv.proto.raft_serverpb.ExtraMessageType.MsgHibernateRequest))
                .build();
        String hex = ""
                + "08 01"                   // region_id 1
                + "52 02"                   // extra_msg: (10<<3)|2 = 0x52, 2 bytes
                + "   08 04";               //   type MsgHibernateRequest = 4
        assertGolden(msg, hex, RaftMessage.parser());
    }

    @Test
    void regionHeartbeatRequest() throws Exception {
        RegionHeartbeatRequest msg = RegionHeartbeatRequest.newBuilder()
                .setHeader(RequestHeader.newBuilder().setClusterId(7))
                .setRegion(Region.newBuilder()
                        .setId(2)
                        .setStartKey(bs("a"))
                        .setEndKey(bs("m"))
                        .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(3))
                        .addPeers(peer(3, 1))
                        .addPeers(peer(4, 2)))
                .setLeader(peer(3, 1))
                .addPendingPeers(peer(4, 2))
                .setApproximateSize(1 << 20)
                .build();
        String hex = ""
                + "0a 02 08 07"             // header: (1<<3)|2 = 0x0a; RequestHeader{cluster_id (0x08) 7}
                + "12 1a"                   // region: (2<<3)|2 = 0x12, 26 bytes (metapb.Region)
                + "   08 02"                //   id: (1<<3)|0 = 0x08, 2
                + "   12 01 61"             //   start_key: (2<<3)|2 = 0x12, "a"
                + "   1a 01 6d"             //   end_key: (3<<3)|2 = 0x1a, "m"
                + "   22 04 0801 1003"      //   region_epoch: (4<<3)|2 = 0x22; {conf_ver (0x08) 1, version (0x10) 3}
                + "   2a 04 0803 1001"      //   peers[0]: (5<<3)|2 = 0x2a; Peer{id 3, store_id 1}
                + "   2a 04 0804 1002"      //   peers[1]: 0x2a; Peer{id 4, store_id 2}
                + "1a 04 0803 1001"         // leader: (3<<3)|2 = 0x1a; Peer{id 3, store_id 1}
                + "2a 04 0804 1002"         // pending_peers[0]: (5<<3)|2 = 0x2a; Peer{id 4, store_id 2}
                + "50 80 80 40";            // approximate_size: (10<<3)|0 = 0x50; 2^20 = varint 80 80 40
        assertGolden(msg, hex, RegionHeartbeatRequest.parser());
    }

    @Test
    void fieldNumbersThatAreEasyToGetWrong() throws Exception {
        // coprocessor.Request.start_ts is field 7 although it is declared before ranges (4).
        assertGolden(Request.newBuilder().setStartTs(1).build(),
                "38 01",                    // start_ts: (7<<3)|0 = 0x38, 1
                Request.parser());
        // kvrpcpb.KeyError.conflict is field 4.
        assertGolden(KeyError.newBuilder().setConflict(WriteConflict.newBuilder().setStartTs(1)).build(),
                "22 02 08 01",              // conflict: (4<<3)|2 = 0x22; WriteConflict{start_ts (0x08) 1}
                KeyError.parser());
        // errorpb.Error jumps from epoch_not_match (5) to stale_command (7).
        assertGolden(org.tinykv.proto.errorpb.Error.newBuilder()
                        .setStaleCommand(StaleCommand.getDefaultInstance()).build(),
                "3a 00",                    // stale_command: (7<<3)|2 = 0x3a, empty message
                org.tinykv.proto.errorpb.Error.parser());
        assertNull(org.tinykv.proto.errorpb.Error.getDescriptor().findFieldByNumber(6));
        // A field-6 payload must therefore land in unknown fields, not in any known one.
        org.tinykv.proto.errorpb.Error withSix =
                org.tinykv.proto.errorpb.Error.parseFrom(HEX.parseHex("3200")); // (6<<3)|2 = 0x32
        assertTrue(withSix.getUnknownFields().hasField(6));
        assertFalse(withSix.hasStaleCommand());
        assertFalse(withSix.hasEpochNotMatch());
    }

    // ---- enum pins ----

    private static void assertEnum(EnumDescriptor d, Object... nameNumberPairs) {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (int i = 0; i < nameNumberPairs.length; i += 2) {
            expected.put((String) nameNumberPairs[i], (Integer) nameNumberPairs[i + 1]);
        }
        Map<String, Integer> actual = new LinkedHashMap<>();
        for (EnumValueDescriptor v : d.getValues()) {
            actual.put(v.getName(), v.getNumber());
        }
        assertEquals(expected, actual, d.getFullName());
    }

    @Test
    void enumValues() {
        assertEquals(3, MessageType.MsgAppend.getNumber());
        assertEquals(11, MessageType.MsgTransferLeader.getNumber());
        assertEquals(12, MessageType.MsgTimeoutNow.getNumber());
        assertEnum(MessageType.getDescriptor(),
                "MsgHup", 0, "MsgBeat", 1, "MsgPropose", 2, "MsgAppend", 3, "MsgAppendResponse", 4,
                "MsgRequestVote", 5, "MsgRequestVoteResponse", 6, "MsgSnapshot", 7, "MsgHeartbeat", 8,
                "MsgHeartbeatResponse", 9, "MsgTransferLeader", 11, "MsgTimeoutNow", 12,
                // Our extensions for pre-vote, read index and local signals: numbers >= 100, never reused.
                "MsgRequestPreVote", 100, "MsgRequestPreVoteResponse", 101, "MsgReadIndex", 102,
                "MsgReadIndexResponse", 103, "MsgUnreachable", 104, "MsgSnapStatus", 105, "MsgCheckQuorum", 106);

        assertEquals(0, ConfChangeType.AddNode.getNumber());
        assertEquals(1, ConfChangeType.RemoveNode.getNumber());
        assertEnum(ConfChangeType.getDescriptor(), "AddNode", 0, "RemoveNode", 1, "AddLearnerNode", 100);

        assertEquals(1, Op.Del.getNumber());
        assertEquals(2, Op.Rollback.getNumber());
        assertEquals(3, Op.Lock.getNumber());
        assertEnum(Op.getDescriptor(), "Put", 0, "Del", 1, "Rollback", 2, "Lock", 3);

        assertEquals(2, Action.LockNotExistRollback.getNumber());
        assertEnum(Action.getDescriptor(), "NoAction", 0, "TTLExpireRollback", 1, "LockNotExistRollback", 2);

        assertEquals(2, StoreState.Tombstone.getNumber());
        assertEnum(StoreState.getDescriptor(), "Up", 0, "Offline", 1, "Tombstone", 2);

        assertEquals(2, PeerState.Tombstone.getNumber());
        assertEnum(PeerState.getDescriptor(), "Normal", 0, "Tombstone", 2);

        assertEquals(10, AdminCmdType.Split.getNumber());
        assertEnum(AdminCmdType.getDescriptor(),
                "InvalidAdmin", 0, "ChangePeer", 1, "CompactLog", 3, "TransferLeader", 4, "Split", 10);
        assertEnum(org.tinykv.proto.raft_cmdpb.CmdType.getDescriptor(),
                "Invalid", 0, "Get", 1, "Put", 3, "Delete", 4, "Snap", 5);
        assertEnum(org.tinykv.proto.schedulerpb.ErrorType.getDescriptor(),
                "OK", 0, "UNKNOWN", 1, "NOT_BOOTSTRAPPED", 2, "STORE_TOMBSTONE", 3,
                "ALREADY_BOOTSTRAPPED", 4, "INCOMPATIBLE_VERSION", 5, "REGION_NOT_FOUND", 6);
    }
}
