/**
 * The batch system: a {@link org.tinykv.multiraft.fsm.Router} of per-region mailboxes, {@link
 * org.tinykv.multiraft.fsm.RaftWorker}s that drain many peers and persist all their log appends in one synced
 * write per round, and {@link org.tinykv.multiraft.fsm.ApplyWorker}s that apply committed entries to the kv
 * engine. Workers are agrona agents: a thread runs {@code doWork()} with an idle strategy, or a test calls it
 * directly. Only regions with messages are touched; ticks reach every peer once per tick interval.
 */
package org.tinykv.multiraft.fsm;
