/**
 * How raft messages leave a store: the {@link org.tinykv.multiraft.transport.Transport} interface and an
 * in-process simulated network with drop, delay, duplicate, partition and isolate filters.
 */
package org.tinykv.multiraft.transport;
