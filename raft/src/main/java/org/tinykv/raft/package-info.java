/**
 * The Raft consensus algorithm as a pure, deterministic state machine. {@link org.tinykv.raft.RawNode} is the
 * entry point: the caller ticks it, steps messages into it, and persists/sends/applies what each
 * {@link org.tinykv.raft.Ready} asks for. {@link org.tinykv.raft.RaftStorage} is the read side of the durable log
 * ({@link org.tinykv.raft.MemoryRaftStorage} for tests). Randomness comes only from the seed in
 * {@link org.tinykv.raft.RaftConfig}; nothing here uses threads, clocks or I/O.
 */
package org.tinykv.raft;
