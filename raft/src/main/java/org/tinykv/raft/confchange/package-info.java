/**
 * Membership changes one peer at a time: {@link org.tinykv.raft.confchange.Changer} computes the membership that
 * results from applying a committed {@code ConfChange}. Pure functions; no raft state.
 */
package org.tinykv.raft.confchange;
