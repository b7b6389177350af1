package org.tinykv.tools.sst;

import org.tinykv.lsm.sstable.BlockHandle;

/**
 * One entry of a table's index block: the last internal key of a data block and that block's handle.
 *
 * @param lastKey the last internal key of the data block
 * @param handle  the data block's handle
 */
record IndexEntry(byte[] lastKey, BlockHandle handle) {
}
