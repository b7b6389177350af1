/**
 * Membership changes: {@code ChangePeer} admin commands proposed as raft conf changes (the command rides in the
 * {@code ConfChange} context), applied to the region meta (peers, conf_ver) atomically with the apply state; and
 * the rules for creating peers on demand and dropping messages for tombstoned ones.
 */
package org.tinykv.multiraft.operation.confchange;
