/**
 * The store's view of the scheduler (placement driver): the {@link org.tinykv.multiraft.pd.SchedulerClient}
 * contract the server implements over gRPC, and {@link org.tinykv.multiraft.pd.InMemorySchedulerClient}, an
 * in-process stand-in for tests.
 */
package org.tinykv.multiraft.pd;
