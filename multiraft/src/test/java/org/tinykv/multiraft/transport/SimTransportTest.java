package org.tinykv.multiraft.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.raft_serverpb.SnapshotCFFile;
import org.tinykv.proto.raft_serverpb.SnapshotMeta;
import org.tinykv.wal.fs.mem.MemFileSystem;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.raft_serverpb.RaftMessage;

class SimTransportTest {
    private static final long SEED = Long.getLong("multiraft.seed", 3L);

    private static RaftMessage msg(final long from, final long to, final long n) {
        return RaftMessage.newBuilder().setRegionId(1).setFromPeer(Peer.newBuilder().setId(from).setStoreId(from))
                .setToPeer(Peer.newBuilder().setId(to).setStoreId(to))
                .setMessage(Message.newBuilder().setIndex(n)).build();
    }

    private static List<List<Long>> run(final long seed) {
        final CachedEpochClock clock = new CachedEpochClock();
        final SimTransport t = new SimTransport(seed, clock);
        final List<List<Long>> got = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (long s = 1; s <= 3; s++) {
            final List<Long> sink = got.get((int) s - 1);
            t.register(s, m -> sink.add(m.getMessage().getIndex()));
        }
        t.setDropRate(0.2);
        t.setDuplicateRate(0.2);
        t.setDelay(0.3, 50);
        for (int i = 0; i < 300; i++) {
            t.send(msg(1 + i % 3, 1 + (i + 1) % 3, i));
            clock.advance(1);
            t.doWork();
        }
        clock.advance(100);
        t.doWork();
        return got;
    }

    @Test
    void sameSeedSameFaults() {
        System.out.println("SimTransportTest seed=" + SEED);
        final List<List<Long>> a = run(SEED);
        assertEquals(a, run(SEED), "seed=" + SEED);
        final int total = a.stream().mapToInt(List::size).sum();
        assertTrue(total > 150 && total < 400, "drops and duplicates happen, total=" + total + " seed=" + SEED);
        boolean reordered = false;
        for (final List<Long> l : a) {
            for (int i = 1; i < l.size(); i++) {
                reordered |= l.get(i) < l.get(i - 1);
            }
        }
        assertTrue(reordered, "delays reorder messages, seed=" + SEED);
    }

    @Test
    void partitionsAndIsolation() {
        final CachedEpochClock clock = new CachedEpochClock();
        final SimTransport t = new SimTransport(SEED, clock);
        final List<RaftMessage> at2 = new ArrayList<>();
        final List<RaftMessage> at3 = new ArrayList<>();
        t.register(2, at2::add);
        t.register(3, at3::add);
        t.partition(Set.of(1L), Set.of(2L, 3L));
        t.send(msg(1, 2, 1));
        t.send(msg(3, 2, 2));
        assertEquals(1, at2.size());
        assertEquals(2, at2.get(0).getMessage().getIndex());
        t.heal();
        t.isolate(3);
        t.send(msg(1, 3, 3));
        t.send(msg(3, 2, 4));
        t.send(msg(1, 2, 5));
        assertEquals(0, at3.size());
        assertEquals(List.of(2L, 5L), at2.stream().map(m -> m.getMessage().getIndex()).toList());
        t.heal();
        t.unregister(3);
        t.send(msg(1, 3, 6));
        assertEquals(0, at3.size());
        assertEquals(4, t.dropped());
        assertEquals(6, t.sent());
    }

    @Test
    void snapshotsAreThrottledAndFailWhenCut() {
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(1000);
        final SimTransport t = new SimTransport(SEED, clock, 1000);
        final List<Long> received = new ArrayList<>();
        t.registerSnapshotReceiver(2, (m, f) -> received.add(m.getMessage().getIndex()));
        final SnapshotFiles files = new SnapshotFiles(new MemFileSystem(), java.nio.file.Path.of("/x"),
                SnapshotMeta.newBuilder().addCfFiles(SnapshotCFFile.newBuilder().setCf("default").setSize(500)).build());
        final RaftMessage snap = msg(1, 2, 9).toBuilder().setMessage(Message.newBuilder().setIndex(9)
                .setMsgType(MessageType.MsgSnapshot)).build();
        final List<Boolean> outcomes = new ArrayList<>();
        t.sendSnapshot(snap, files, outcomes::add);
        t.sendSnapshot(snap, files, outcomes::add);
        clock.advance(499);
        t.doWork();
        assertEquals(List.of(), received, "500 bytes at 1000 B/s take 500 ms");
        clock.advance(1);
        t.doWork();
        assertEquals(List.of(9L), received);
        clock.advance(500);
        t.doWork();
        assertEquals(List.of(true, true), outcomes, "the second waited for the first");
        t.isolate(2);
        t.sendSnapshot(snap, files, outcomes::add);
        assertEquals(false, outcomes.get(2));
    }
}
