package org.tinykv.tools.sst;

import org.tinykv.lsm.sstable.BlockHandle;
import org.tinykv.lsm.sstable.Compression;

/**
 * One block of a table file after its checksum was verified: where it is, how it was stored, and its decompressed
 * contents.
 *
 * @param handle      the block's handle (offset and stored size, trailer excluded)
 * @param compression the trailer's compression type
 * @param contents    the decompressed contents
 */
record RawBlock(BlockHandle handle, Compression compression, byte[] contents) {
}
