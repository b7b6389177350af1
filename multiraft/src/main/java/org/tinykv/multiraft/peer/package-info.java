/**
 * The threading-agnostic core of a replica: {@link org.tinykv.multiraft.peer.Peer} (raft node, proposals,
 * ReadIndex), {@link org.tinykv.multiraft.peer.PeerStorage} (the raft log in the raft engine),
 * {@link org.tinykv.multiraft.peer.ApplyDelegate} (committed entries into the kv engine) and the key layout
 * {@link org.tinykv.multiraft.peer.Keys}. Workers in {@code fsm} drive these; nothing here starts threads.
 */
package org.tinykv.multiraft.peer;
