/**
 * The store's side of the scheduler protocol over gRPC: {@link org.tinykv.server.pd.GrpcSchedulerClient}, the
 * {@code schedulerpb.Scheduler} client implementing multiraft's {@code SchedulerClient} (unary calls with deadlines,
 * store heartbeats fire-and-forget, region heartbeats over one long-lived, self-reconnecting bidi stream).
 */
package org.tinykv.server.pd;
