package org.tinykv.raft;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.tinykv.proto.eraftpb.ConfChange;
import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.Entry;
import org.tinykv.proto.eraftpb.EntryType;
import org.tinykv.proto.eraftpb.HardState;
import org.tinykv.proto.eraftpb.Message;
import org.tinykv.proto.eraftpb.MessageType;
import org.tinykv.proto.eraftpb.Snapshot;

/**
 * One raft node as a pure state machine, driven entirely by its caller. It never blocks, starts threads, reads a
 * clock or does I/O: time is {@link #tick()}, input is {@link #step(Message)} and the local requests
 * ({@link #propose}, {@link #proposeConfChange}, {@link #transferLeader}, {@link #readIndex}), and output is a
 * {@link Ready}.
 *
 * <h2>The caller's loop</h2>
 * <ol>
 *   <li>Call {@link #tick()} at a fixed interval (the unit of {@code electionTick} and {@code heartbeatTick}).</li>
 *   <li>Feed every message received from a peer to {@link #step(Message)}.</li>
 *   <li>When {@link #hasReady()}, take {@link #ready()} and, in this order:
 *     <ol>
 *       <li>persist: if {@code snapshot != null} install it in storage; append {@code entries} (truncating any
 *           conflicting suffix); write {@code hardState} if non-null. Sync if {@code mustSync}. After this the
 *           {@link RaftStorage} must reflect all of it.</li>
 *       <li>send {@code messages} to their {@code to} peers (best effort; loss is tolerated). A message of type
 *           {@code MsgSnapshot} carries the snapshot metadata: the caller ships the snapshot data and then calls
 *           {@link #reportSnapshot(long, SnapshotStatus)} with the outcome. When a peer cannot be reached, call
 *           {@link #reportUnreachable(long)}.</li>
 *       <li>apply {@code committedEntries} in order. For an {@code EntryConfChange} entry, parse the
 *           {@code ConfChange} from its data and call {@link #applyConfChange(ConfChange)}; persist the returned
 *           {@code ConfState} with the applied state (it is what {@link RaftStorage#initialState()} must return
 *           after a restart). Serve pending reads whose {@link ReadState#index()} is now applied.</li>
 *       <li>call {@link #advance(Ready)} with the same Ready.</li>
 *     </ol>
 *   </li>
 * </ol>
 * {@link #ready()} may not be called again until the previous Ready was advanced. Messages and requests may be
 * stepped at any time in between; their effects appear in the next Ready. Entries of one Ready may be persisted
 * concurrently with sending the leader's messages only if follower acknowledgements are not sent before the
 * entries are durable.
 *
 * <h2>Adding a peer to an existing group</h2>
 * The group must be bootstrapped from a snapshot, never from an empty log: every initial member starts with a
 * storage holding a snapshot at some index &gt; 0 (TinyKV uses 5) whose {@code ConfState} lists the initial
 * voters. To add a peer, the leader proposes {@code AddNode}/{@code AddLearnerNode}; once it is applied, the
 * leader starts replicating to the new id. The new peer is created with an <em>empty</em> storage and an empty
 * membership (for multiraft: when a raft message arrives for a region the store does not know). Such an
 * uninitialized node:
 * <ul>
 *   <li>ignores every message except {@code MsgAppend}, {@code MsgHeartbeat} and {@code MsgSnapshot}, which only
 *       a leader sends (vote and pre-vote requests, timeout-now, responses, forwarded proposals and reads are
 *       dropped without changing its term); it never campaigns and refuses local proposals;</li>
 *   <li>answers every append with a rejection hinting index 0 and never appends entries, so it cannot replay the
 *       membership from an empty configuration; the leader, whose log starts after its bootstrap snapshot,
 *       then sends a snapshot;</li>
 *   <li>becomes an ordinary member when that snapshot (whose {@code ConfState} contains it) is installed
 *       through a Ready; from there on the log is replicated normally.</li>
 * </ul>
 * A group whose leader still holds entries from index 1 cannot add peers this way (the probe never reaches a
 * snapshot). An added voter that has not yet received its snapshot does not vote, so with a minimal quorum the
 * group may wait for the snapshot before it can elect a new leader.
 *
 * <h2>Reads</h2>
 * {@link #readIndex} with {@code ReadOnlyOption.SAFE} (the default) confirms leadership with a heartbeat round
 * acknowledged by a quorum after the request arrived; it is linearizable under any message delays, crashes and
 * clock behaviour. A new leader answers reads only after committing an entry of its term.
 *
 * <p>{@code ReadOnlyOption.LEASE_BASED} (requires check-quorum) answers at once while the leader holds a lease,
 * and otherwise falls back to the heartbeat round (a read is never refused for want of a lease):
 * <ul>
 *   <li>the lease is anchored at heartbeat <em>send</em> time: each heartbeat carries the leader's tick counter,
 *       echoed by the follower; with {@code s} the newest send tick acknowledged by a quorum of voters (the leader
 *       counting itself), the lease holds while the leader's tick counter is below
 *       {@code s + electionTick - leaseDriftMarginTicks};</li>
 *   <li>a voter grants no vote or pre-vote for {@code electionTick} ticks after it last heard from a leader
 *       (append, heartbeat or snapshot), nor for {@code electionTick} ticks after it was created (it cannot know
 *       whether it heard from a leader just before a crash); only a leader-transfer campaign is exempt;</li>
 *   <li>so a leader that has sent {@code MsgTimeoutNow} serves no lease read for the rest of its term (the
 *       transferee's campaign may still run after the transfer is abandoned, from a message in flight).</li>
 * </ul>
 * Clock assumption: over any interval of one election timeout, the tick counters of any two nodes advance by
 * amounts that differ by less than {@code leaseDriftMarginTicks}. Message delays may be arbitrary. The caller must
 * therefore: drive {@link #tick()} from a monotonic clock (e.g. {@code System.nanoTime}, never wall time) at the
 * same nominal interval on every node; keep the scheduling jitter of ticks (pauses of the ticking thread) within
 * the margin, or raise the margin; configure every voter of the group with {@code LEASE_BASED} (the vote barrier
 * is only kept by lease-configured nodes); and restart a crashed node only from intact durable storage (its term
 * and vote as persisted through Readys). The simulator runs lease reads on half of its check-quorum seeds, with
 * crashes, restarts and leader transfers, and attacks aimed at each of these rules.
 *
 * <p>Restart: create a new RawNode over the durable storage with {@code RaftConfig.applied} set to the last index
 * the state machine has applied (committed entries after it are handed out again).
 *
 * <p>Errors: bad input (unknown sender, stale term, unexpected kind, indexes the log lacks) is ignored or answered
 * as the protocol says. If the {@link RaftStorage} throws anything other than its documented expected exceptions,
 * or an internal invariant breaks, the node stops: that call and every later call throw
 * {@link RaftFailedException}; recreate the node from durable state.
 *
 * <p>Thread-safety: confined to one thread at a time (the caller may hand it between threads with proper
 * publication, e.g. through a mailbox).
 */
public final class RawNode {
    private final Raft raft;
    private SoftState prevSoftState;
    private HardState prevHardState;
    private Ready outstanding;
    private RuntimeException failure;

    /** Creates a node from the persisted state in {@code storage}. */
    public RawNode(RaftConfig cfg, RaftStorage storage) {
        this.raft = new Raft(cfg, storage);
        this.prevSoftState = raft.softState();
        this.prevHardState = raft.hardState();
    }

    /** This node's id. */
    public long id() {
        return raft.id;
    }

    private <T> T guarded(Supplier<T> body) {
        if (failure != null) {
            throw new RaftFailedException("raft node " + raft.id + " stopped after an earlier failure", failure);
        }
        try {
            return body.get();
        } catch (RaftFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            failure = e;
            throw new RaftFailedException("raft node " + raft.id + " stopped: " + e.getMessage(), e);
        }
    }

    private void guardedRun(Runnable body) {
        guarded(() -> {
            body.run();
            return null;
        });
    }

    /** Advances logical time by one tick (elections, heartbeats, check-quorum, transfer timeout). */
    public void tick() {
        guardedRun(raft::tick);
    }

    /**
     * Counts {@code missed} ticks that fell due while the ticking thread was busy and were not delivered, toward
     * the clock that the leader lease and the vote barrier run on, and toward nothing else: election and heartbeat
     * timers still advance once per {@link #tick()}, so a backlog does not fire an election while the heartbeats
     * that would prevent it wait behind it. A caller that coalesces ticks must report the ones it dropped here, or
     * a busy leader's lease outlives the followers' vote barriers (see the clock assumption above).
     */
    public void catchUpTicks(final long missed) {
        guardedRun(() -> raft.catchUpTicks(missed));
    }

    /**
     * True if this node leads a group with nothing in flight (every entry committed, handed out by a Ready and
     * acknowledged by every member; no transfer, membership change, snapshot or read pending): ticking it would
     * only send heartbeats.
     */
    public boolean isQuiescentLeader() {
        return guarded(raft::isQuiescentLeader);
    }

    /**
     * Tells the node that its ticks stop for an unknown time (the caller hibernates the group) and restart later
     * with the counter where it stopped. A leader's lease counts ticks, so no lease read may rest on anything
     * acknowledged before: the lease must be won again by heartbeats sent after this call. Timers need nothing:
     * a node that does not tick never campaigns, and after waking it waits a full timeout before it may.
     */
    public void suspendTicks() {
        guardedRun(raft.lease::suspend);
    }

    /** Sends heartbeats to every follower now, if this node leads (e.g. to wake a hibernating group). */
    public void broadcastHeartbeat() {
        guardedRun(() -> raft.step(Message.newBuilder().setMsgType(MessageType.MsgBeat).build()));
    }

    /** Starts an election now (with pre-vote if configured). */
    public void campaign() {
        guardedRun(() -> raft.step(Message.newBuilder().setMsgType(MessageType.MsgHup).build()));
    }

    /**
     * Processes a message from a peer. Returns false if it was ignored outright: a local-only kind, a message
     * addressed to another node, or a response from a peer not in the membership.
     */
    public boolean step(Message m) {
        switch (m.getMsgType()) {
            case MsgHup:
            case MsgBeat:
            case MsgCheckQuorum:
            case MsgUnreachable:
            case MsgSnapStatus:
            case UNRECOGNIZED:
                return false;
            default:
                break;
        }
        if (m.getTo() != 0 && m.getTo() != raft.id) {
            return false;
        }
        checkNotFailed();
        try {  // not guarded(): no capturing lambda per message
            if (isResponse(m.getMsgType()) && raft.tracker.progress(m.getFrom()) == null) {
                return false;
            }
            raft.step(m);
            return true;
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    private static boolean isResponse(MessageType t) {
        return t == MessageType.MsgAppendResponse || t == MessageType.MsgRequestVoteResponse
                || t == MessageType.MsgRequestPreVoteResponse || t == MessageType.MsgHeartbeatResponse;
    }

    /** Proposes data to be appended to the log. Returns false if the proposal was dropped. */
    public boolean propose(ByteString data) {
        checkNotFailed();
        try {
            return raft.propose(EntryType.EntryNormal, data);
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    private void checkNotFailed() {
        if (failure != null) {
            throw new RaftFailedException("raft node " + raft.id + " stopped after an earlier failure", failure);
        }
    }

    private RaftFailedException fail(RuntimeException e) {
        if (e instanceof RaftFailedException rfe) {
            return rfe;
        }
        failure = e;
        return new RaftFailedException("raft node " + raft.id + " stopped: " + e.getMessage(), e);
    }

    /**
     * Proposes a membership change. Returns false if it was dropped (for instance while an earlier change is not
     * yet applied). Takes effect only when applied through {@link #applyConfChange}.
     */
    public boolean proposeConfChange(ConfChange cc) {
        return guarded(() -> raft.propose(EntryType.EntryConfChange, cc.toByteString()));
    }

    /** Applies a committed membership change and returns the new membership to persist. */
    public ConfState applyConfChange(ConfChange cc) {
        return guarded(() -> raft.applyConfChange(cc));
    }

    /** Asks the leader to hand leadership to {@code transferee} (forwarded if this node is a follower). */
    public void transferLeader(long transferee) {
        guardedRun(() -> raft.step(Message.newBuilder().setMsgType(MessageType.MsgTransferLeader)
                .setFrom(transferee).build()));
    }

    /**
     * Requests a linearizable read point. {@code context} must be non-empty and unique among pending requests;
     * the answer comes as a {@link ReadState} with the same context in a later Ready (or never, if leadership
     * changed: retry after a timeout).
     */
    public void readIndex(ByteString context) {
        if (context == null || context.isEmpty()) {
            throw new IllegalArgumentException("read index context must not be empty");
        }
        guardedRun(() -> raft.step(Message.newBuilder().setMsgType(MessageType.MsgReadIndex)
                .setContext(context).build()));
    }

    /** Tells the leader that the last message to {@code id} could not be delivered. */
    public void reportUnreachable(long id) {
        guardedRun(() -> raft.step(Message.newBuilder().setMsgType(MessageType.MsgUnreachable).setFrom(id).build()));
    }

    /** Tells the leader whether the snapshot sent to {@code id} was delivered. */
    public void reportSnapshot(long id, SnapshotStatus status) {
        guardedRun(() -> raft.step(Message.newBuilder().setMsgType(MessageType.MsgSnapStatus).setFrom(id)
                .setReject(status == SnapshotStatus.FAILURE).build()));
    }

    /** True if a {@link #ready()} would carry something to do. */
    public boolean hasReady() {
        checkNotFailed();
        try {
            if (raft.lead != prevSoftState.lead() || raft.state != prevSoftState.role()) {
                return true;
            }
            if (raft.term != prevHardState.getTerm() || raft.vote != prevHardState.getVote()
                    || raft.raftLog.committed() != prevHardState.getCommit()) {
                return true;
            }
            return raft.raftLog.hasPendingSnapshot() || raft.raftLog.unstable().size() > 0
                    || raft.raftLog.hasNextCommittedEntries() || raft.hasMessages() || !raft.readStates.isEmpty();
        } catch (RuntimeException e) {
            throw fail(e);
        }
    }

    /** Collects the work to do. Requires: the previous Ready has been advanced. */
    public Ready ready() {
        if (outstanding != null) {
            throw new IllegalStateException("ready() called before advance() of the previous Ready");
        }
        return guarded(() -> {
            List<Message> msgs = raft.readMessages();
            List<Entry> entries = raft.raftLog.unstableEntries();
            List<Entry> committed = raft.raftLog.nextCommittedEntries();
            SoftState ss = raft.lead == prevSoftState.lead() && raft.state == prevSoftState.role()
                    ? prevSoftState : raft.softState();
            HardState hs = raft.term == prevHardState.getTerm() && raft.vote == prevHardState.getVote()
                    && raft.raftLog.committed() == prevHardState.getCommit() ? prevHardState : raft.hardState();
            Snapshot snap = raft.raftLog.unstable().snapshot();
            List<ReadState> rs = List.of();
            if (!raft.readStates.isEmpty()) {
                rs = new ArrayList<>(raft.readStates);
                raft.readStates.clear();
            }
            boolean hsChanged = !hs.equals(prevHardState);
            boolean mustSync = !entries.isEmpty() || hs.getTerm() != prevHardState.getTerm()
                    || hs.getVote() != prevHardState.getVote();
            Ready rd = new Ready(ss.equals(prevSoftState) ? null : ss, hsChanged ? hs : null, entries, snap,
                    committed, msgs, rs, mustSync);
            prevSoftState = ss;
            outstanding = rd;
            return rd;
        });
    }

    /** Records that {@code rd} was persisted, sent and applied. Requires: rd is the last Ready returned. */
    public void advance(Ready rd) {
        if (rd != outstanding) {
            throw new IllegalArgumentException("advance() of a Ready that is not the outstanding one");
        }
        guardedRun(() -> {
            if (rd.hardState() != null) {
                prevHardState = rd.hardState();
            }
            if (rd.snapshot() != null) {
                long index = rd.snapshot().getMetadata().getIndex();
                raft.raftLog.stableSnapTo(index);
                if (index > raft.raftLog.applied()) {
                    raft.raftLog.appliedTo(index);
                }
            }
            List<Entry> ents = rd.entries();
            if (!ents.isEmpty()) {
                Entry last = ents.get(ents.size() - 1);
                raft.raftLog.stableTo(last.getIndex(), last.getTerm());
            }
            List<Entry> committed = rd.committedEntries();
            if (!committed.isEmpty()) {
                raft.raftLog.appliedTo(committed.get(committed.size() - 1).getIndex());
            }
            outstanding = null;
        });
    }

    /** A summary of this node's state. */
    public Status status() {
        return new Status(raft.id, raft.hardState(), raft.softState(), raft.raftLog.applied(),
                raft.raftLog.lastIndex(), raft.leadTransferee);
    }

    /** The current term: {@code status().hardState().getTerm()} without building a status (a per-command cost). */
    public long term() {
        return raft.term;
    }

    /** The index of the last log entry: {@code status().lastIndex()} without building a status. */
    public long lastIndex() {
        return raft.raftLog.lastIndex();
    }

    /** The highest index known to be committed, without building a status. */
    public long commitIndex() {
        return raft.raftLog.committed();
    }

    /** True if this node is the leader now, without building a status. */
    public boolean isLeader() {
        return raft.state == StateRole.LEADER;
    }

    /**
     * Whole ticks left of this leader's lease ({@code LEASE_BASED} only): a read may rest on the lease while the
     * tick counter stays below its end. 0 when there is no lease, and while a leader transfer is pending, since the
     * transferee may campaign without waiting for the followers' vote barrier as soon as it is caught up. For
     * callers that serve reads off this node's thread and must stop before the lease ends.
     */
    public long leaseTicksLeft() {
        final long end = raft.lease.leaseEnd();
        if (end == Long.MIN_VALUE || raft.leadTransferee != Raft.NONE) {
            return 0;
        }
        return Math.max(0, end - raft.ticks);
    }

    /** The leader this node knows of in its term (0 if none), without building a status. */
    public long leader() {
        return raft.lead;
    }

    /** The raft state machine, for tests in this package. */
    Raft raft() {
        return raft;
    }
}
