package org.tinykv.raft;

/**
 * Volatile state useful to the caller (logging, routing); never persisted.
 *
 * @param lead the known leader id, 0 if none
 * @param role this node's role
 */
public record SoftState(long lead, StateRole role) {
}
