package org.tinykv.multiraft.operation.split;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.lsm.Cf;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.DbIterator;
import org.tinykv.lsm.ReadOptions;
import org.tinykv.lsm.Snapshot;
import org.tinykv.multiraft.pd.SchedulerClient;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_cmdpb.RaftCmdRequest;
import org.tinykv.proto.schedulerpb.AskSplitResponse;

/**
 * The split checker, an agent apart from the raft workers. Leaders queue their region with {@link #check}; a
 * round measures each queued region by scanning its data keys in a kv-engine snapshot (memtables included), one
 * column family at a time, stopping a family's scan once it exceeds the split size. If a family exceeds it, the
 * split key is the {@link SplitKeyPolicy} boundary of that family's key where the running size first passes half
 * the split size (so the left part is about half a region). The checker then asks the scheduler for ids and
 * hands the Split command to {@code proposer}; the raft side checks the epoch again, so a stale check is harmless.
 *
 * <p>Thread-safety: {@link #check} from any thread; {@link #doWork()} from one thread.
 */
public final class SplitChecker implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(SplitChecker.class);
    private static final Cf[] DATA_CFS = {Cf.DEFAULT, Cf.WRITE, Cf.LOCK};

    /** A region to check and the leader that asked. */
    private record Task(Region region, Peer leader) {
    }

    private final Db kv;
    private final SchedulerClient pd;
    private final long splitSize;
    private final SplitKeyPolicy policy;
    private final Consumer<RaftCmdRequest> proposer;
    private final ConcurrentLinkedQueue<Task> tasks = new ConcurrentLinkedQueue<>();
    private long splitsProposed;

    /** A checker splitting regions above {@code splitSize} bytes of data. */
    public SplitChecker(final Db kv, final SchedulerClient pd, final long splitSize, final SplitKeyPolicy policy,
                        final Consumer<RaftCmdRequest> proposer) {
        if (splitSize <= 0) {
            throw new IllegalArgumentException("splitSize must be positive");
        }
        this.kv = kv;
        this.pd = pd;
        this.splitSize = splitSize;
        this.policy = policy;
        this.proposer = proposer;
    }

    /** Queues {@code region}, led by {@code leader}, for a check. */
    public void check(final Region region, final Peer leader) {
        tasks.add(new Task(region, leader));
    }

    /** Split commands handed to the proposer so far (metrics, tests). */
    public long splitsProposed() {
        return splitsProposed;
    }

    @Override
    public int doWork() throws IOException {
        int n = 0;
        Task t;
        while ((t = tasks.poll()) != null) {
            n++;
            final byte[] key = splitKey(t.region());
            if (key == null) {
                continue;
            }
            final AskSplitResponse ids;
            try {
                ids = pd.askSplit(t.region());
            } catch (final IOException e) {
                LOG.warn("event=ask_split_failed region={} error=\"{}\"", t.region().getId(), e.toString());
                continue;
            }
            splitsProposed++;
            proposer.accept(Split.request(t.region(), t.leader(), key, ids));
        }
        return n;
    }

    /** The split key of {@code region} if its data exceeds the split size, else null. */
    public byte[] splitKey(final Region region) throws IOException {
        final byte[] lower = Keys.dataKey(region.getStartKey().toByteArray());
        final byte[] upper = Keys.dataEndKey(region.getEndKey().toByteArray());
        try (Snapshot snap = kv.getSnapshot()) {
            final ReadOptions ro = ReadOptions.builder().snapshot(snap).lowerBound(lower).upperBound(upper)
                    .fillCache(false).build();
            for (final Cf cf : DATA_CFS) {
                final byte[] candidate = scan(ro, cf);
                if (candidate == null) {
                    continue;
                }
                final byte[] b = policy.boundary(candidate);
                if (b != null && Arrays.compareUnsigned(b, region.getStartKey().toByteArray()) > 0
                        && RegionChecks.keyInRegion(b, region)) {
                    return b;
                }
            }
        }
        return null;
    }

    /** The region-space key at half the split size if {@code cf} holds more than the split size, else null. */
    private byte[] scan(final ReadOptions ro, final Cf cf) throws IOException {
        long size = 0;
        byte[] half = null;
        try (DbIterator it = kv.newIterator(ro, cf)) {
            for (it.seekToFirst(); it.valid(); it.next()) {
                final byte[] k = it.key();
                size += k.length + it.value().length;
                if (half == null && size >= splitSize / 2) {
                    half = Keys.originKey(k);
                }
                if (size > splitSize) {
                    return half;
                }
            }
        }
        return null;
    }

    @Override
    public String roleName() {
        return "split-checker";
    }
}
