package org.tinykv.multiraft.peer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.tinykv.multiraft.region.RegionErrors;
import org.tinykv.proto.errorpb.Error;

/**
 * A leader's proposed commands waiting for their log entries, in index order: taken by the apply side with the
 * committed entries they belong to, or answered here when their entries can no longer be applied.
 *
 * <p>Thread-safety: confined to the thread driving the peer.
 */
final class Proposals {
    private final ArrayDeque<Proposal> waiting = new ArrayDeque<>();

    /**
     * Adds the command proposed at {@code index} by a leader of {@code term}. Commands waiting at {@code index} or
     * later were truncated from this leader's log and can never commit: they are answered StaleCommand.
     */
    void add(final long index, final long term, final CmdCallback callback) {
        while (!waiting.isEmpty() && waiting.peekLast().index() >= index) {
            waiting.pollLast().callback().onDone(RegionErrors.errorResponse(RegionErrors.staleCommand(), term), null);
        }
        waiting.addLast(new Proposal(index, term, callback));
    }

    /** Removes and returns the commands waiting at {@code index} or before, in index order. */
    List<Proposal> takeThrough(final long index) {
        final List<Proposal> out = new ArrayList<>();
        while (!waiting.isEmpty() && waiting.peekFirst().index() <= index) {
            out.add(waiting.pollFirst());
        }
        return out;
    }

    /** Answers the commands waiting at {@code index} or before with {@code error} (term {@code term}). */
    void failThrough(final long index, final Error error, final long term) {
        for (final Proposal p : takeThrough(index)) {
            p.callback().onDone(RegionErrors.errorResponse(error, term), null);
        }
    }

    /** Answers every waiting command with {@code error} (term {@code term}). */
    void failAll(final Error error, final long term) {
        failThrough(Long.MAX_VALUE, error, term);
    }

    /** Number of waiting commands. */
    int size() {
        return waiting.size();
    }
}
