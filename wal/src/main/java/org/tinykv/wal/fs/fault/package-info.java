/**
 * A {@link org.tinykv.wal.fs.FileSystem} wrapper that injects faults chosen by tests: failing the Nth matching
 * operation with an {@link java.io.IOException}, or flipping a bit of the bytes read from a file.
 */
package org.tinykv.wal.fs.fault;
