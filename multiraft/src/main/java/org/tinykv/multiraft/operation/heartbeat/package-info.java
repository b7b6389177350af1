/**
 * Heartbeats to the scheduler and the operators it answers with: region heartbeats built by a region's leader
 * (on election, after a region change and periodically), the store heartbeat agent, and the checks that turn an
 * operator into a command for the current leader.
 */
package org.tinykv.multiraft.operation.heartbeat;
