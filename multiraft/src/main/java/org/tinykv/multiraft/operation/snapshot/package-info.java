/**
 * Region snapshots as SST files: {@link org.tinykv.multiraft.operation.snapshot.SnapManager} generates them off
 * the raft thread (one SST per data column family of the region's keys at the applied index, plus metadata),
 * stores received ones, verifies checksums, and {@link org.tinykv.multiraft.operation.snapshot.SnapshotApplier}
 * installs one into the kv engine (delete the region's ranges, ingest, write states). See
 * docs/formats/snapshot.md for the file set and the crash-safe apply order.
 */
package org.tinykv.multiraft.operation.snapshot;
