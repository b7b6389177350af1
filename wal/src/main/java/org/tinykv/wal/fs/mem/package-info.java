/**
 * An in-memory {@link org.tinykv.wal.fs.FileSystem} that remembers what was synced, so that tests can simulate a
 * machine crash with {@link org.tinykv.wal.fs.mem.MemFileSystem#crashClone()}.
 */
package org.tinykv.wal.fs.mem;
