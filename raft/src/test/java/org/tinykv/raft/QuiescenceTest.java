package org.tinykv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;

/** {@link Raft#isQuiescentLeader()}: when a group has nothing in flight and may stop ticking. */
class QuiescenceTest {

    private static Raft electedAndSettled(TestCluster c) {
        c.campaign(1);
        Raft l = c.get(1);
        assertEquals(StateRole.LEADER, l.state);
        c.send(Message.newBuilder().setMsgType(MessageType.MsgBeat).setFrom(1).setTo(1).build());
        l.raftLog.appliedTo(l.raftLog.committed());
        return l;
    }

    @Test
    void aLeaderWhoseLogIsAcknowledgedCommittedAndAppliedEverywhereIsQuiescent() {
        TestCluster c = TestCluster.of(3);
        Raft l = electedAndSettled(c);
        c.propose(1, "x");
        assertFalse(l.isQuiescentLeader(), "the entry is committed but not handed to the application yet");
        l.raftLog.appliedTo(l.raftLog.committed());
        assertTrue(l.isQuiescentLeader());
        assertFalse(c.get(2).isQuiescentLeader(), "a follower never is");
    }

    @Test
    void anUnacknowledgedEntryAPendingReadOrATransferKeepTheLeaderAwake() {
        TestCluster c = TestCluster.of(3);
        Raft l = electedAndSettled(c);
        c.isolate(3);
        c.propose(1, "y");
        l.raftLog.appliedTo(l.raftLog.committed());
        assertFalse(l.isQuiescentLeader(), "follower 3 has not acknowledged the last entry");
        c.recover();
        c.send(Message.newBuilder().setMsgType(MessageType.MsgBeat).setFrom(1).setTo(1).build());
        assertTrue(l.isQuiescentLeader(), "caught up after a heartbeat round");

        c.isolate(1);
        l.step(Message.newBuilder().setMsgType(MessageType.MsgReadIndex).setContext(ByteString.copyFromUtf8("r"))
                .build());
        l.readMessages();
        assertFalse(l.isQuiescentLeader(), "a read waits for its heartbeat round");
        c.recover();

        Raft fresh = electedAndSettled(TestCluster.of(3));
        fresh.step(Message.newBuilder().setMsgType(MessageType.MsgTransferLeader).setFrom(2).build());
        fresh.readMessages();
        assertFalse(fresh.isQuiescentLeader(), "a leader transfer is in flight");
    }
}
