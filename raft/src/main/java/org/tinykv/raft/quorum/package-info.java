/**
 * Quorum arithmetic for a single majority configuration: which log index a quorum has acknowledged and whether
 * an election has been won, lost or is still pending. Pure functions over voter sets; no raft state.
 */
package org.tinykv.raft.quorum;
