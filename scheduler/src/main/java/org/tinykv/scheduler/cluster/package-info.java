/**
 * The scheduler's view of the cluster: stores, the region tree (which region holds a key, range scans, epoch
 * checks), per-store leader/region counts and sizes, bootstrap state, and their persistence.
 */
package org.tinykv.scheduler.cluster;
