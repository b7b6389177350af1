package org.tinykv.multiraft.bench;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.SystemEpochClock;
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
import org.openjdk.jmh.annotations.Threads;
import org.tinykv.multiraft.peer.PeerConfig;
import org.tinykv.multiraft.store.Bootstrap;
import org.tinykv.multiraft.store.Store;
import org.tinykv.multiraft.store.StoreConfig;
import org.tinykv.multiraft.transport.SimTransport;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.raft_cmdpb.CmdType;
import org.tinykv.proto.raft_cmdpb.PutRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.raft_cmdpb.RaftCmdResponse;
import org.tinykv.proto.raft_cmdpb.RaftRequestHeader;
import org.tinykv.proto.raft_cmdpb.Request;
import org.tinykv.wal.fs.FileSystem;
import org.tinykv.wal.fs.OsFileSystem;
import org.tinykv.wal.fs.mem.MemFileSystem;

/**
 * Acknowledged 100-byte puts per second through a 3-store, 1-region cluster in one JVM (worker threads, in-process
 * transport), 16 client threads each waiting for its answer. {@code fs=os} uses real files and fsync in a temp dir
 * ({@code -Dmultiraft.bench.dir}); {@code fs=mem} isolates the CPU cost. At teardown prints the raft engine's
 * fsyncs and batches per fsync of the leader store (group commit).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplicatedPutBenchmark {
    @Param({"mem", "os"})
    public String fs;

    private final List<Store> stores = new ArrayList<>();
    private Region region;
    private final AtomicLong keys = new AtomicLong();
    private static final ByteString VALUE = ByteString.copyFrom(new byte[100]);

    @Setup(Level.Trial)
    public void start() throws IOException {
        final StoreConfig cfg = new StoreConfig(20, 1, 1, 256, 64L << 20, 64L << 20, PeerConfig.defaults());
        final Region.Builder rb = Region.newBuilder().setId(1)
                .setRegionEpoch(RegionEpoch.newBuilder().setConfVer(1).setVersion(1));
        for (long s = 1; s <= 3; s++) {
            rb.addPeers(Peer.newBuilder().setId(10 + s).setStoreId(s));
        }
        region = rb.build();
        final SimTransport transport = new SimTransport(1, SystemEpochClock.INSTANCE);
        final Path base = "os".equals(fs) ? Files.createTempDirectory(Path.of(System.getProperty(
                "multiraft.bench.dir", System.getProperty("java.io.tmpdir"))), "mrbench") : Path.of("/bench");
        for (long s = 1; s <= 3; s++) {
            final FileSystem f = "os".equals(fs) ? new OsFileSystem() : new MemFileSystem();
            final Path dir = base.resolve("s" + s);
            Bootstrap.bootstrapStore(f, dir, 1, s, region, cfg);
            final Store st = Store.open(f, dir, cfg, transport, SystemEpochClock.INSTANCE);
            transport.register(s, st::onRaftMessage);
            stores.add(st);
        }
        stores.get(0).router().fsm(1).peer().campaign();
        for (final Store st : stores) {
            st.start();
        }
        // wait for the leader: the first put succeeds once store 1 leads
        for (int i = 0; i < 10_000; i++) {
            if (!put().getHeader().hasError()) {
                return;
            }
        }
        throw new IllegalStateException("no leader");
    }

    private RaftCmdResponse put() {
        final Request r = Request.newBuilder().setCmdType(CmdType.Put).setPut(PutRequest.newBuilder().setCf("default")
                .setKey(ByteString.copyFromUtf8("key" + keys.incrementAndGet())).setValue(VALUE)).build();
        final CompletableFuture<RaftCmdResponse> f = new CompletableFuture<>();
        stores.get(0).propose(RaftCmdRequest.newBuilder().setHeader(RaftRequestHeader.newBuilder().setRegionId(1)
                .setPeer(region.getPeers(0)).setRegionEpoch(region.getRegionEpoch())).addRequests(r).build(),
                (resp, snap) -> f.complete(resp));
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (final Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Benchmark
    @Threads(16)
    public RaftCmdResponse replicatedPut() {
        final RaftCmdResponse r = put();
        if (r.getHeader().hasError()) {
            throw new IllegalStateException(r.getHeader().getError().getMessage());
        }
        return r;
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        System.out.println("leader raft engine: fsyncs=" + stores.get(0).engines().raft().stats().fsyncs()
                + " batches/fsync=" + stores.get(0).engines().raft().stats().batchesPerFsync()
                + " raft worker synced writes=" + stores.get(0).raftWorkers().get(0).syncedWrites());
        for (final Store st : stores) {
            st.close();
        }
    }
}
