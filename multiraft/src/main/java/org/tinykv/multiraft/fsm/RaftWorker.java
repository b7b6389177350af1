package org.tinykv.multiraft.fsm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.lsm.Db;
import org.tinykv.lsm.WriteBatch;
import org.tinykv.lsm.WriteOptions;
import org.tinykv.multiraft.peer.ApplyTask;
import org.tinykv.multiraft.peer.Peer;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.multiraft.transport.Transport;

/**
 * Drives peers: each round takes up to {@code maxBatch} peers with mail, feeds them their messages, proposals
 * and ticks, collects their Readys into ONE raft-engine batch written with one fsync (leaders send their appends
 * while it is written: {@link Peer#replicateBeforePersist}; committed entries already durable and confirmed reads
 * go to the apply router before it: {@link Peer#applyBeforePersist}), then sends the other messages and hands the
 * rest of the committed entries to the apply router. The ticker worker also broadcasts a tick
 * every {@code tickMillis} of its clock.
 *
 * <p>Thread-safety: {@link #doWork()} is called by one thread (its runner, or a test).
 */
public final class RaftWorker implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(RaftWorker.class);
    private static final int MAX_MSGS_PER_PEER = 4096;

    private final String name;
    private final Router router;
    private final ApplyRouter applyRouter;
    private final Db raftDb;
    private final Transport transport;
    private final EpochClock clock;
    private final long tickMillis;
    private final boolean ticker;
    private final int maxBatch;
    private final StoreMetrics metrics;
    private final WriteBatch wb = new WriteBatch();
    private final List<PeerFsm> batch = new ArrayList<>();
    private final List<PeerFsm> persisted = new ArrayList<>();
    private long nextTickAt;
    private long rounds;
    private long syncedWrites;
    private boolean sync;

    /**
     * @param ticker     whether this worker broadcasts ticks (exactly one worker of a store should)
     * @param tickMillis the tick interval in {@code clock} milliseconds
     */
    public RaftWorker(final String name, final Router router, final ApplyRouter applyRouter, final Db raftDb,
                      final Transport transport, final EpochClock clock, final long tickMillis, final boolean ticker,
                      final int maxBatch) {
        this(name, router, applyRouter, raftDb, transport, clock, tickMillis, ticker, maxBatch, new StoreMetrics());
    }

    /** A worker counting its work in {@code metrics} (shared by the store's workers). */
    public RaftWorker(final String name, final Router router, final ApplyRouter applyRouter, final Db raftDb,
                      final Transport transport, final EpochClock clock, final long tickMillis, final boolean ticker,
                      final int maxBatch, final StoreMetrics metrics) {
        this.metrics = metrics;
        this.name = name;
        this.router = router;
        this.applyRouter = applyRouter;
        this.raftDb = raftDb;
        this.transport = transport;
        this.clock = clock;
        this.tickMillis = tickMillis;
        this.ticker = ticker;
        this.maxBatch = maxBatch;
        this.nextTickAt = clock.time() + tickMillis;
    }

    @Override
    public int doWork() {
        int work = 0;
        final long now = clock.time();
        if (ticker && now >= nextTickAt) {
            // a round that ran long lets several intervals fall due: they are all counted (see Peer#tick(long))
            final long intervals = 1 + (now - nextTickAt) / tickMillis;
            router.broadcastTick(intervals);
            nextTickAt += intervals * tickMillis;
            work++;
        }
        PeerFsm f;
        while (batch.size() < maxBatch && (f = router.poll()) != null) {
            batch.add(f);
        }
        if (batch.isEmpty()) {
            return work;
        }
        try {
            for (final PeerFsm p : batch) {
                if (!p.stopped) {
                    guarded(p, () -> drain(p));
                }
            }
            for (final PeerFsm p : batch) {
                if (!p.stopped) {
                    guarded(p, () -> {
                        if (p.peer.handleReady(wb)) {
                            persisted.add(p);
                            sync |= p.peer.readyNeedsSync();
                        }
                    });
                }
            }
            for (final PeerFsm p : persisted) {
                if (!p.stopped) {
                    guarded(p, () -> {
                        p.peer.replicateBeforePersist(transport);
                        applyRouter.schedule(p.peer.applyBeforePersist());
                    });
                }
            }
            if (!wb.isEmpty()) {
                raftDb.write(wb, sync ? WriteOptions.SYNC : WriteOptions.NO_SYNC);
                if (sync) {
                    syncedWrites++;
                    metrics.raftSynced(persisted.size());
                }
                wb.clear();
            }
            for (final PeerFsm p : persisted) {
                if (!p.stopped) {
                    guarded(p, () -> applyRouter.schedule(p.peer.postPersist(transport)));
                }
            }
            rounds++;
            sync = false;
            return work + batch.size();
        } catch (final IOException e) {
            // fail-stop: the batch's peers advanced in memory past what is durable
            for (final PeerFsm p : batch) {
                p.peer.failAll(RegionErrors.other("raft engine write failed: " + e.getMessage()));
                router.remove(p.peer.regionId());
            }
            throw new UncheckedIOException("raft engine write failed in " + name, e);
        } finally {
            for (final PeerFsm p : batch) {
                if (router.trackHibernation(p)) {
                    p.statusDue = true;
                }
                publishStatus(p);
                if (!p.stopped) {
                    p.peer.publishLocalReads(p.tickPending.get(), now, tickMillis);
                }
                router.release(p, hasMore(p));
            }
            batch.clear();
            persisted.clear();
            wb.clear();
            sync = false;
        }
    }

    private void drain(final PeerFsm f) {
        final Peer peer = f.peer;
        PeerMsg m;
        int n = 0;
        while (n++ < MAX_MSGS_PER_PEER && (m = f.mailbox.poll()) != null) {
            if (m instanceof PeerMsg.Raft r) {
                metrics.raftMessageReceived();
                final RaftMessage notice = peer.checkMembership(r.message());
                if (notice != null) {
                    transport.send(notice);
                }
                final ApplyTask destroy = peer.staleSelf();
                if (destroy != null) {
                    applyRouter.schedule(List.of(destroy));
                }
                peer.step(r.message());
            } else if (m instanceof PeerMsg.Propose p) {
                metrics.proposed();
                peer.propose(p.request(), p.callback());
            } else if (m instanceof PeerMsg.Tick) {
                f.tickPending.set(false);
                f.statusDue = true;
                peer.tick(Math.max(1, f.dueTicks.getAndSet(0)));
            } else if (m instanceof PeerMsg.StoreUnreachable u) {
                peer.onStoreUnreachable(u.storeId());
            } else if (m instanceof PeerMsg.HibernatingHeartbeat) {
                peer.heartbeatIfHibernating();
            } else if (m instanceof PeerMsg.Operator o) {
                peer.onOperator(o.response());
            } else if (m instanceof PeerMsg.SnapshotStatus s) {
                metrics.snapshotSent(s.ok());
                peer.onSnapshotStatus(s.toPeerId(), s.ok());
            } else if (m instanceof PeerMsg.Applied a && peer.onApplyResult(a.result())) {
                LOG.info("event=peer_destroyed worker={} peer=\"{}\"", name, peer);
                router.remove(peer.regionId());
                applyRouter.remove(peer.regionId());
                return;
            }
        }
        peer.sendNotices(transport);
    }

    /** Publishes the peer's status once per tick: status pages need no fresher view, and busy rounds stay cheap. */
    private static void publishStatus(final PeerFsm f) {
        if (f.stopped || !f.statusDue) {
            return;
        }
        f.statusDue = false;
        try {
            f.status = PeerStatus.of(f.peer);
        } catch (final RuntimeException e) {
            LOG.warn("event=peer_status_failed peer=\"{}\" error=\"{}\"", f.peer, e.toString());
        }
    }

    private boolean hasMore(final PeerFsm f) {
        if (f.stopped) {
            return false;
        }
        try {
            return f.peer.hasReady();
        } catch (final RuntimeException e) {
            stopPeer(f, e);
            return false;
        }
    }

    /** Runs {@code body} on the peer; anything unexpected stops that peer (its commands get an error). */
    private void guarded(final PeerFsm f, final Runnable body) {
        try {
            body.run();
        } catch (final RuntimeException e) {
            stopPeer(f, e);
        }
    }

    private void stopPeer(final PeerFsm f, final RuntimeException e) {
        LOG.error("event=peer_failed worker={} peer=\"{}\"", name, f.peer, e);
        router.remove(f.peer.regionId());
        try {
            f.peer.failAll(RegionErrors.other("peer failed: " + e.getMessage()));
        } catch (final RuntimeException again) {
            LOG.error("event=peer_fail_all_failed peer=\"{}\"", f.peer, again);
        }
    }

    /** Rounds that did work (metrics, tests). */
    public long rounds() {
        return rounds;
    }

    /** Synced raft-engine writes done (one per round with appends). */
    public long syncedWrites() {
        return syncedWrites;
    }


    @Override
    public String roleName() {
        return name;
    }
}
