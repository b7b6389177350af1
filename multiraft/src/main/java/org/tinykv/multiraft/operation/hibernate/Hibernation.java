package org.tinykv.multiraft.operation.hibernate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.multiraft.region.RegionChecks;
import org.tinykv.multiraft.transport.Transport;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.metapb.Peer;
import org.tinykv.proto.metapb.Region;
import org.tinykv.proto.raft_serverpb.ExtraMessage;
import org.tinykv.proto.raft_serverpb.ExtraMessageType;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.raft.RawNode;

/**
 * Whether one peer's region ticks on this store, and both sides of the handshake that stops it (see the package
 * comment). The peer calls in at its tick, around every raft message it steps, on every command, operator and apply
 * result; the notices this produces go out through {@link #sendNotices}.
 *
 * <p>Thread-safety: confined to the thread holding the peer.
 */
public final class Hibernation {
    private static final Logger LOG = LoggerFactory.getLogger(Hibernation.class);

    private final long quietTicksToAsk;
    private final RawNode raft;
    private final Peer self;
    private final Supplier<Region> region;
    private final BooleanSupplier quiescent;
    private final List<RaftMessage> notices = new ArrayList<>(2);
    private boolean asleep;
    private long quietTicks;
    /** The point (term, last index) the followers were last asked about, and which of them agreed to it. */
    private long askedTerm = -1;
    private long askedIndex = -1;
    private final Set<Long> agreed = new HashSet<>();

    /**
     * @param quietTicksToAsk quiet leader ticks before the followers are asked (and again as often); 0: the peer
     *                        never hibernates, neither as leader nor when a leader asks
     * @param raft            the peer's raft node
     * @param self            the peer
     * @param region          its region as it is now
     * @param quiescent       whether the peer, as leader, has nothing in flight (raft's view and its own)
     */
    public Hibernation(final long quietTicksToAsk, final RawNode raft, final Peer self, final Supplier<Region> region,
                       final BooleanSupplier quiescent) {
        this.quietTicksToAsk = quietTicksToAsk;
        this.raft = raft;
        this.self = self;
        this.region = region;
        this.quiescent = quiescent;
    }

    /** True if the region does not tick on this store now. */
    public boolean asleep() {
        return asleep;
    }

    /** A tick of the awake peer: a leader quiet for long enough asks its followers (again) to hibernate. */
    public void onTick() {
        if (quietTicksToAsk == 0 || !raft.isLeader() || !quiescent.getAsBoolean()) {
            quietTicks = 0;
            return;
        }
        quietTicks++;
        if (quietTicks < quietTicksToAsk || (quietTicks - quietTicksToAsk) % quietTicksToAsk != 0) {
            return;
        }
        if (raft.term() != askedTerm || raft.lastIndex() != askedIndex) {
            askedTerm = raft.term();
            askedIndex = raft.lastIndex();
            agreed.clear();
        }
        for (final Peer p : region.get().getPeersList()) {
            if (p.getId() != self.getId()) {
                notices.add(notice(ExtraMessageType.MsgHibernateRequest, p, askedTerm, askedIndex));
            }
        }
    }

    /** Takes a notice ({@code msg.hasExtraMsg()}) from another peer of the region. */
    public void onNotice(final RaftMessage msg) {
        final Message m = msg.getMessage();
        switch (msg.getExtraMsg().getType()) {
            case MsgHibernateRequest -> {
                if (quietTicksToAsk > 0 && !raft.isLeader() && m.getFrom() == raft.leader()
                        && m.getTerm() == raft.term() && m.getIndex() == raft.lastIndex()
                        && raft.commitIndex() == m.getIndex()) {
                    asleep = true;
                    notices.add(notice(ExtraMessageType.MsgHibernateResponse, msg.getFromPeer(), m.getTerm(),
                            m.getIndex()));
                }
            }
            case MsgHibernateResponse -> onAgreement(m);
            case MsgRegionWakeUp -> {
                wake(false);
                raft.broadcastHeartbeat();
            }
            default -> { }
        }
    }

    private void onAgreement(final Message m) {
        if (asleep || !raft.isLeader() || m.getTerm() != askedTerm || m.getIndex() != askedIndex
                || !quiescent.getAsBoolean()) {
            return;
        }
        agreed.add(m.getFrom());
        for (final Peer p : region.get().getPeersList()) {
            if (p.getId() != self.getId() && !agreed.contains(p.getId())) {
                return;
            }
        }
        asleep = true;
        raft.suspendTicks();
        LOG.debug("event=region_hibernates region={} peer={} term={} index={}", region.get().getId(), self.getId(),
                askedTerm, askedIndex);
    }

    /** Before a raft message is stepped: a sleeping peer wakes unless the message is an idle one. */
    public void beforeStep(final Message m) {
        if (asleep && !isIdle(m)) {
            wake(false);
        }
    }

    /** After a raft message was stepped: a sleeping leader that has something in flight now wakes. */
    public void afterStep() {
        if (asleep && raft.isLeader() && !quiescent.getAsBoolean()) {
            wake(false);
        }
    }

    /**
     * True if {@code m} needs no timers: to a follower, a heartbeat of its leader bringing nothing new; to a leader,
     * an acknowledgement in its term.
     */
    private boolean isIdle(final Message m) {
        if (m.getTerm() != raft.term()) {
            return false;
        }
        if (raft.isLeader()) {
            return m.getMsgType() == MessageType.MsgHeartbeatResponse
                    || m.getMsgType() == MessageType.MsgAppendResponse && !m.getReject();
        }
        return m.getMsgType() == MessageType.MsgHeartbeat && m.getFrom() == raft.leader()
                && m.getCommit() == raft.lastIndex() && raft.commitIndex() == raft.lastIndex();
    }

    /**
     * Ticks again from now on, with the handshake reset. A follower woken for a command ({@code tellLeader}) also
     * wakes its leader: the leader's store may be gone, or the client may know something this store does not.
     */
    public void wake(final boolean tellLeader) {
        final boolean was = asleep;
        asleep = false;
        quietTicks = 0;
        askedTerm = -1;
        askedIndex = -1;
        agreed.clear();
        if (was && tellLeader && !raft.isLeader()) {
            final Peer leader = RegionChecks.findPeerById(region.get(), raft.leader());
            if (leader != null) {
                notices.add(notice(ExtraMessageType.MsgRegionWakeUp, leader, raft.term(), raft.lastIndex()));
            }
        }
    }

    /** The transport lost store {@code storeId}: a sleeping follower whose leader is there (or unknown) wakes. */
    public void onStoreUnreachable(final long storeId) {
        if (!asleep || raft.isLeader()) {
            return;
        }
        final Peer leader = RegionChecks.findPeerById(region.get(), raft.leader());
        if (leader == null || leader.getStoreId() == storeId) {
            wake(false);
        }
    }

    /** Hands the notices gathered since the last call to {@code transport}. */
    public void sendNotices(final Transport transport) {
        for (int i = 0; i < notices.size(); i++) {
            transport.send(notices.get(i));
        }
        notices.clear();
    }

    private RaftMessage notice(final ExtraMessageType type, final Peer to, final long term, final long index) {
        final Region r = region.get();
        return RaftMessage.newBuilder().setRegionId(r.getId()).setFromPeer(self).setToPeer(to)
                .setRegionEpoch(r.getRegionEpoch())
                .setMessage(Message.newBuilder().setFrom(self.getId()).setTo(to.getId()).setTerm(term)
                        .setIndex(index))
                .setExtraMsg(ExtraMessage.newBuilder().setType(type)).build();
    }
}
