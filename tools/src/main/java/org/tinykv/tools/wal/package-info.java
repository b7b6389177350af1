/**
 * {@code wal-inspect}: prints the records of log files (docs/formats/wal.md) read through the engine's own
 * {@link org.tinykv.wal.record.RecordReader}: WAL records decoded as write batches
 * (docs/formats/write-batch.md), MANIFEST records decoded as version edits (docs/formats/manifest.md), other logs
 * as raw bytes. Main class: {@link org.tinykv.tools.wal.WalInspect}.
 */
package org.tinykv.tools.wal;
