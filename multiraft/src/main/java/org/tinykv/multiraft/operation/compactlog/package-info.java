/**
 * Raft log GC: the leader proposes a {@code CompactLog} admin command when the applied part of the log exceeds a
 * count or size limit; applying it moves the region's {@code RaftTruncatedState} (in the kv engine, synced), after
 * which the raft side range-deletes the truncated entries from the raft engine and advances its first index.
 */
package org.tinykv.multiraft.operation.compactlog;
