/**
 * The write-ahead log over the record format of {@code wal.record}: {@link org.tinykv.wal.LogWriter} (one log
 * file, thread-safe, group commit), {@link org.tinykv.wal.SyncPolicy} and {@link org.tinykv.wal.WalOptions}.
 * Readers use {@link org.tinykv.wal.record.RecordReader} directly.
 */
package org.tinykv.wal;
