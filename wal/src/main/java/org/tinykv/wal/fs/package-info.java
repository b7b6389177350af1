/**
 * The file-system seam: every durable byte of TinyKV goes through {@link org.tinykv.wal.fs.FileSystem}, implemented
 * by the real file system, an in-memory one that simulates crashes, and a fault-injecting wrapper.
 */
package org.tinykv.wal.fs;
