/** The gRPC adapter: schedulerpb.Scheduler over the cluster state, TSO, id allocator and operator controller. */
package org.tinykv.scheduler.server;
