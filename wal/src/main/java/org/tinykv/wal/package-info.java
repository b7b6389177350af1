/** The write-ahead log: segments, group commit and sync policy, over the record format of {@code wal.record}. */
package org.tinykv.wal;
