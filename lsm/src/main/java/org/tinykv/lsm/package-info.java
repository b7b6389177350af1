/**
 * The LSM storage engine's public API: {@link org.tinykv.lsm.Db}, its options, write batches, snapshots and
 * iterators. Formats: docs/formats/sst.md, docs/formats/manifest.md, docs/formats/write-batch.md.
 */
package org.tinykv.lsm;
