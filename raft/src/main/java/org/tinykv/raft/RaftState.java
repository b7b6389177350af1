package org.tinykv.raft;

import org.tinykv.proto.eraftpb.ConfState;
import org.tinykv.proto.eraftpb.HardState;

/**
 * The persisted state a raft node restarts from.
 *
 * @param hardState term, vote and commit index last persisted
 * @param confState the membership as of the last applied configuration change
 */
public record RaftState(HardState hardState, ConfState confState) {
}
