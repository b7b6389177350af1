package org.tinykv.multiraft.peer;

/**
 * A write proposed by a leader, waiting for the entry at {@code index} to be applied: answered with the result if
 * that entry has {@code term}, with StaleCommand if another entry took the index.
 *
 * @param index    log index the proposal was appended at
 * @param term     term of the leader that proposed it
 * @param callback who waits for the result
 */
public record Proposal(long index, long term, CmdCallback callback) {
}
