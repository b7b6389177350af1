/**
 * Hibernation: a region with nothing to do stops ticking on every store, so that idle regions cost no CPU.
 *
 * <p>A leader that has had nothing in flight for {@code hibernateTicks} ticks (every entry committed, handed to
 * the apply side and acknowledged by every member; no command, read, transfer or membership change waiting) asks
 * each follower with a {@code MsgHibernateRequest} naming its term and last index. A follower at that same term,
 * last index and commit index agrees with a {@code MsgHibernateResponse} and stops ticking. Once every follower
 * has agreed to the same point, the leader stops ticking too. Both keep stepping every message that arrives.
 *
 * <p>A sleeping peer wakes (ticks again) on any message that may need its timers: a command, a scheduler
 * operator, an apply result, and any raft message except the idle ones (for a follower, a heartbeat of its leader
 * with nothing new; for a leader, acknowledgements in its term). A follower woken by a command tells its leader
 * ({@code MsgRegionWakeUp}), which wakes and sends heartbeats at once. A follower whose leader's store the
 * transport reports unreachable wakes, so that an election can replace a leader that died while the group slept.
 *
 * <p>The leader lease counts ticks, so a leader's clock stops with its ticks: on falling asleep its lease is void
 * ({@code RawNode.suspendTicks}) and only heartbeats sent after it wakes win it back. A follower's frozen clock only
 * delays its votes, which is safe. Sleeping leaders still send a region heartbeat to the scheduler with every store
 * heartbeat, so a restarted scheduler learns every region again.
 */
package org.tinykv.multiraft.operation.hibernate;
