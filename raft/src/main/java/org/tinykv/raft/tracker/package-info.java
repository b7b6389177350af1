/**
 * The leader's view of each peer: {@link org.tinykv.raft.tracker.Progress} (match/next, probe/replicate/snapshot
 * state, the {@link org.tinykv.raft.tracker.Inflights} window) and the
 * {@link org.tinykv.raft.tracker.ProgressTracker} that holds the membership, the progress map and election votes.
 * Confined to the thread of the raft instance that owns it.
 */
package org.tinykv.raft.tracker;
