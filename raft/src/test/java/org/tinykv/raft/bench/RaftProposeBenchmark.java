package org.tinykv.raft.bench;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.raft.MemoryRaftStorage;
import org.tinykv.raft.RaftConfig;
import org.tinykv.raft.RawNode;
import org.tinykv.raft.Ready;
import org.tinykv.raft.StateRole;

/**
 * Proposals committed through a 3-node group in one thread with no I/O: one operation proposes {@code batch}
 * 16-byte entries at the leader and drives all three nodes until the leader has applied them. Entries/s is
 * ops/s times {@code batch}; allocation per entry is gc.alloc.rate.norm divided by {@code batch}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RaftProposeBenchmark {
    @Param({"1", "64"})
    public int batch;

    private RawNode[] nodes;
    private MemoryRaftStorage[] storages;
    private final ArrayDeque<Message> inbox = new ArrayDeque<>();
    private final ByteString payload = ByteString.copyFrom(new byte[16]);
    private long applied;

    @Setup
    public void setup() {
        nodes = new RawNode[3];
        storages = new MemoryRaftStorage[3];
        for (int i = 0; i < 3; i++) {
            storages[i] = MemoryRaftStorage.withVoters(1, 2, 3);
            nodes[i] = new RawNode(RaftConfig.builder(i + 1).seed(1).build(), storages[i]);
        }
        nodes[0].campaign();
        drive();
        if (nodes[0].status().softState().role() != StateRole.LEADER) {
            throw new IllegalStateException("node 1 did not become leader");
        }
    }

    @Benchmark
    public long propose() {
        RawNode leader = nodes[0];
        for (int i = 0; i < batch; i++) {
            leader.propose(payload);
        }
        drive();
        if ((applied & 0xFFF) < batch) {
            for (int i = 0; i < 3; i++) {
                long idx = nodes[i].status().applied() - 1;
                if (idx > storages[i].firstIndex()) {
                    storages[i].compact(idx);
                }
            }
        }
        return applied;
    }

    private void drive() {
        boolean busy = true;
        while (busy) {
            busy = false;
            for (int i = 0; i < 3; i++) {
                RawNode n = nodes[i];
                if (!n.hasReady()) {
                    continue;
                }
                busy = true;
                Ready rd = n.ready();
                storages[i].append(rd.entries());
                if (rd.hardState() != null) {
                    storages[i].setHardState(rd.hardState());
                }
                inbox.addAll(rd.messages());
                if (i == 0) {
                    for (Entry e : rd.committedEntries()) {
                        applied += e.getData().size() > 0 ? 1 : 0;
                    }
                }
                n.advance(rd);
            }
            Message m;
            while ((m = inbox.poll()) != null) {
                nodes[(int) m.getTo() - 1].step(m);
                busy = true;
            }
        }
    }
}
