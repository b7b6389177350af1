/**
 * The raft log as one raft instance sees it: {@link org.tinykv.raft.log.UnstableLog} (entries and a snapshot not
 * yet persisted) in front of the caller's {@link org.tinykv.raft.RaftStorage}, combined by
 * {@link org.tinykv.raft.log.RaftLog}, which also tracks the commit and applied indexes.
 * Confined to the raft instance's thread.
 */
package org.tinykv.raft.log;
