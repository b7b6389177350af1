/**
 * Persistence of the scheduler's cluster metadata: the {@link org.tinykv.scheduler.meta.MetaStore} seam (an
 * in-memory implementation for tests, an lsm-backed one for servers) and the key layout of
 * docs/formats/scheduler-meta.md.
 */
package org.tinykv.scheduler.meta;
