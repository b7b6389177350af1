package org.tinykv.multiraft.fsm;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tinykv.multiraft.peer.ApplyDelegate;
import org.tinykv.multiraft.peer.ApplyTask;

/**
 * A region's apply delegate with its mailbox of {@link ApplyTask}s; scheduled like {@link PeerFsm}.
 *
 * <p>Thread-safety: the mailbox and flag are concurrent; the delegate is touched only by the worker holding it.
 */
final class ApplyFsm {
    final ApplyDelegate delegate;
    final ConcurrentLinkedQueue<ApplyTask> mailbox = new ConcurrentLinkedQueue<>();
    final AtomicBoolean scheduled = new AtomicBoolean();

    ApplyFsm(final ApplyDelegate delegate) {
        this.delegate = delegate;
    }
}
