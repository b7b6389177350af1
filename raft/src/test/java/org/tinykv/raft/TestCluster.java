package org.tinykv.raft;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;

/**
 * A synchronous in-memory network of {@link Raft} instances for unit tests (in the spirit of etcd's test
 * network): {@link #send} delivers a message and every message it causes, until quiet. Unstable entries are
 * persisted to each node's storage as they appear. Links can be cut and message types ignored.
 */
final class TestCluster {
    final TreeMap<Long, Raft> peers = new TreeMap<>();
    final TreeMap<Long, MemoryRaftStorage> storages = new TreeMap<>();
    private final Set<Long> cut = new HashSet<>();
    private final Set<MessageType> ignored = new HashSet<>();

    static Raft newRaft(long id, MemoryRaftStorage storage, int election, int heartbeat) {
        return newRaft(RaftConfig.builder(id).electionTick(election).heartbeatTick(heartbeat).preVote(false)
                .seed(id).build(), storage);
    }

    static Raft newRaft(RaftConfig cfg, MemoryRaftStorage storage) {
        return new Raft(cfg, storage);
    }

    /** A cluster of voters 1..n with default configs tweaked by {@code tweak}. */
    static TestCluster of(int n, java.util.function.UnaryOperator<RaftConfig.Builder> tweak) {
        TestCluster c = new TestCluster();
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = i + 1;
        }
        for (long id : ids) {
            MemoryRaftStorage s = MemoryRaftStorage.withVoters(ids);
            RaftConfig cfg = tweak.apply(RaftConfig.builder(id).electionTick(10).heartbeatTick(1).preVote(false)
                    .seed(id)).build();
            c.peers.put(id, new Raft(cfg, s));
            c.storages.put(id, s);
        }
        return c;
    }

    static TestCluster of(int n) {
        return of(n, b -> b);
    }

    Raft get(long id) {
        return peers.get(id);
    }

    void cut(long a, long b) {
        cut.add(a * 1000 + b);
        cut.add(b * 1000 + a);
    }

    void isolate(long id) {
        for (long other : peers.keySet()) {
            if (other != id) {
                cut(id, other);
            }
        }
    }

    void recover() {
        cut.clear();
        ignored.clear();
    }

    void ignore(MessageType t) {
        ignored.add(t);
    }

    /** Persists unstable entries of a node, as a caller would after a Ready. */
    void persist(Raft r) {
        MemoryRaftStorage s = storages.get(r.id);
        if (r.raftLog.unstable().snapshot() != null) {
            s.applySnapshot(r.raftLog.unstable().snapshot());
            r.raftLog.stableSnapTo(r.raftLog.unstable().snapshot().getMetadata().getIndex());
        }
        List<Entry> ents = r.raftLog.unstableEntries();
        if (!ents.isEmpty()) {
            s.append(ents);
            Entry last = ents.get(ents.size() - 1);
            r.raftLog.stableTo(last.getIndex(), last.getTerm());
        }
    }

    /** Delivers the messages and all resulting traffic until the network is quiet. */
    void send(Message... msgs) {
        ArrayDeque<Message> queue = new ArrayDeque<>(List.of(msgs));
        while (!queue.isEmpty()) {
            Message m = queue.poll();
            Raft r = peers.get(m.getTo());
            if (r == null || cut.contains(m.getFrom() * 1000 + m.getTo()) || ignored.contains(m.getMsgType())) {
                continue;
            }
            r.step(m);
            persist(r);
            queue.addAll(r.readMessages());
        }
        for (Raft r : peers.values()) {
            persist(r);
            for (Message m : r.readMessages()) {
                send(m);
            }
        }
    }

    /** Node {@code id} campaigns (MsgHup) and the traffic is delivered. */
    void campaign(long id) {
        send(Message.newBuilder().setMsgType(MessageType.MsgHup).setFrom(id).setTo(id).build());
    }

    void propose(long id, String data) {
        Raft r = peers.get(id);
        r.propose(org.tinykv.proto.eraftpb.EntryType.EntryNormal, ByteString.copyFromUtf8(data));
        persist(r);
        List<Message> out = new ArrayList<>(r.readMessages());
        send(out.toArray(new Message[0]));
    }

    static Message msg(MessageType t, long from, long to, long term) {
        return Message.newBuilder().setMsgType(t).setFrom(from).setTo(to).setTerm(term).build();
    }
}
