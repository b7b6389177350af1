package org.tinykv.multiraft.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tinykv.multiraft.pd.ForwardingSchedulerClient;
import org.tinykv.multiraft.pd.InMemorySchedulerClient;
import org.tinykv.multiraft.pd.SchedulerClient;
import org.tinykv.multiraft.peer.Keys;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.raft_serverpb.RegionLocalState;
import org.tinykv.wal.fs.mem.MemFileSystem;

/**
 * A store that dies (or loses the scheduler) in the middle of bootstrapping the cluster resumes correctly: with the
 * same first region, keeping it if the scheduler accepted it, dropping it if another store won.
 */
class SchedulerBootstrapCrashTest {
    private static final Path DIR = Path.of("/store");
    private static final StoreConfig CFG = new StoreConfig(50, 1, 1, 256, 4L << 20, 4L << 20,
            org.tinykv.multiraft.peer.PeerConfig.defaults());

    /** Where the bootstrap call fails. */
    private enum Failure { BEFORE, AFTER }

    @Test
    void schedulerUnreachableAtBootstrapThenRetryUsesTheSameRegion() throws IOException {
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(1);
        final MemFileSystem fs = new MemFileSystem();
        assertThrows(IOException.class, () -> SchedulerBootstrap.prepare(fs, DIR, 7, "a:1",
                failing(pd.forStore(), Failure.BEFORE), CFG));
        final Region prepared = regionOnDisk(fs);
        assertNotNull(prepared, "the prepared region stays on disk");
        assertNull(SchedulerBootstrap.joinedStore(fs, DIR, CFG), "not joined while the bootstrap is pending");
        final long id = SchedulerBootstrap.prepare(fs, DIR, 7, "a:1", pd.forStore(), CFG);
        assertEquals(prepared, pd.forStore().getRegionById(prepared.getId()), "bootstrapped with the same region");
        assertEquals(prepared, regionOnDisk(fs));
        assertEquals(id, SchedulerBootstrap.joinedStore(fs, DIR, CFG).getStoreId());
    }

    @Test
    void crashAfterTheSchedulerAcceptedKeepsTheRegion() throws IOException {
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(1);
        final MemFileSystem fs = new MemFileSystem();
        assertThrows(IllegalStateException.class, () -> SchedulerBootstrap.prepare(fs, DIR, 7, "a:1",
                failing(pd.forStore(), Failure.AFTER), CFG));
        final Region prepared = regionOnDisk(fs);
        final MemFileSystem restarted = fs.crashClone();
        final long id = SchedulerBootstrap.prepare(restarted, DIR, 7, "a:1", pd.forStore(), CFG);
        assertEquals(prepared, regionOnDisk(restarted), "the accepted region is kept");
        assertEquals(id, SchedulerBootstrap.joinedStore(restarted, DIR, CFG).getStoreId());
        assertNotNull(pd.store(id));
    }

    @Test
    void crashAfterAcceptedBootstrapBeforeAnyHeartbeatKeepsTheRegion() throws IOException {
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(1);
        final MemFileSystem fs = new MemFileSystem();
        assertThrows(IllegalStateException.class, () -> SchedulerBootstrap.prepare(fs, DIR, 7, "a:1",
                failing(pd.forStore(), Failure.AFTER), CFG));
        final Region prepared = regionOnDisk(fs);
        // like the gRPC scheduler, which learns the first region only from its leader's first heartbeat
        final SchedulerClient noRegionsYet = new ForwardingSchedulerClient(pd.forStore()) {
            @Override
            public Region getRegionById(final long regionId) {
                return null;
            }
        };
        final MemFileSystem restarted = fs.crashClone();
        SchedulerBootstrap.prepare(restarted, DIR, 7, "a:1", noRegionsYet, CFG);
        assertEquals(prepared, regionOnDisk(restarted), "the bootstrapping store keeps its region");
    }

    @Test
    void storeThatLostTheRaceDropsItsPreparedRegion() throws IOException {
        final InMemorySchedulerClient pd = new InMemorySchedulerClient(1);
        final MemFileSystem loser = new MemFileSystem();
        assertThrows(IOException.class, () -> SchedulerBootstrap.prepare(loser, DIR, 7, "a:1",
                failing(pd.forStore(), Failure.BEFORE), CFG));
        assertNotNull(regionOnDisk(loser));
        final MemFileSystem winner = new MemFileSystem();
        SchedulerBootstrap.prepare(winner, DIR, 7, "b:1", pd.forStore(), CFG);
        final MemFileSystem restarted = loser.crashClone();
        final long id = SchedulerBootstrap.prepare(restarted, DIR, 7, "a:1", pd.forStore(), CFG);
        assertNull(regionOnDisk(restarted), "the losing store starts empty");
        assertNotNull(regionOnDisk(winner));
        assertEquals(id, SchedulerBootstrap.joinedStore(restarted, DIR, CFG).getStoreId());
    }

    /** The single region state on disk, or null. */
    private static Region regionOnDisk(final MemFileSystem fs) throws IOException {
        try (Engines e = Engines.open(fs, DIR, CFG)) {
            Region found = null;
            for (long id = 1; id < 20; id++) {
                final byte[] v = e.kv().get(Keys.META_CF, Keys.regionStateKey(id));
                if (v != null) {
                    assertNull(found, "more than one region");
                    found = RegionLocalState.parseFrom(v).getRegion();
                }
            }
            return found;
        }
    }

    /** {@code pd} whose bootstrap fails before reaching the scheduler, or after the scheduler accepted it. */
    private static SchedulerClient failing(final SchedulerClient pd, final Failure when) {
        return new ForwardingSchedulerClient(pd) {
            @Override
            public void bootstrap(final Store store, final Region firstRegion) throws IOException {
                if (when == Failure.AFTER) {
                    pd.bootstrap(store, firstRegion);
                    // not an IOException: the process dies here, prepare() must not get to handle anything
                    throw new IllegalStateException("process died after the scheduler accepted the bootstrap");
                }
                throw new IOException("scheduler unreachable");
            }
        };
    }
}
