/** Cluster-unique id allocation, persisted in batches. */
package org.tinykv.scheduler.id;
