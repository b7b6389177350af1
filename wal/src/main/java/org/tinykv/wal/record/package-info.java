/**
 * The log record format (see docs/formats/wal.md): 32 KiB blocks holding checksummed fragments of records.
 * {@link org.tinykv.wal.record.RecordWriter} appends records to a file, {@link org.tinykv.wal.record.RecordReader}
 * reads them back under a {@link org.tinykv.wal.record.RecoveryMode}. Used by the WAL and by the lsm MANIFEST.
 */
package org.tinykv.wal.record;
