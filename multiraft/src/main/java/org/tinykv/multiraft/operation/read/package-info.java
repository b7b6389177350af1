/**
 * Linearizable reads without writing the log: ReadIndex requests waiting for the leader's confirmation. The read
 * is then served by the region's apply delegate once the confirmed index is applied.
 */
package org.tinykv.multiraft.operation.read;
