package org.tinykv.lsm.sstable;

import java.io.IOException;
import org.tinykv.lsm.iterator.InternalIterator;

/**
 * A two-level iterator over a table: the index block selects data blocks, read lazily through the block cache.
 *
 * <p>Thread-safety: confined to one thread.
 */
final class TableIterator extends InternalIterator {

    private final TableReader table;
    private final boolean fillCache;
    private final TableIndex index;
    /** The data block being read; -1 or {@code index.size()} once moved before the first or past the last. */
    private int blockIndex = -1;
    private BlockIterator dataIter;
    /** The one data-block iterator, repositioned onto each block in turn (its key buffer is reused). */
    private BlockIterator spare;
    private final TableReader.Readahead readahead = new TableReader.Readahead();

    TableIterator(final TableReader table, final boolean fillCache) {
        this.table = table;
        this.fillCache = fillCache;
        this.index = table.index();
    }

    private boolean onBlock() {
        return blockIndex >= 0 && blockIndex < index.size();
    }

    private void loadBlock() throws IOException {
        if (!onBlock()) {
            dataIter = null;
            return;
        }
        final Block block = table.dataBlock(index.blockOffset(blockIndex), index.blockSize(blockIndex), fillCache,
            readahead);
        if (spare == null) {
            spare = block.iterator(table.globalSeq());
        } else {
            spare.reset(block, table.globalSeq());
        }
        dataIter = spare;
    }

    private void skipEmptyForward() throws IOException {
        while (dataIter == null || !dataIter.valid()) {
            if (!onBlock()) {
                dataIter = null;
                return;
            }
            blockIndex++;
            loadBlock();
            if (dataIter != null) {
                dataIter.seekToFirst();
            }
        }
    }

    private void skipEmptyBackward() throws IOException {
        while (dataIter == null || !dataIter.valid()) {
            if (!onBlock()) {
                dataIter = null;
                return;
            }
            blockIndex--;
            loadBlock();
            if (dataIter != null) {
                dataIter.seekToLast();
            }
        }
    }

    @Override
    public void seekToFirst() throws IOException {
        blockIndex = 0;
        loadBlock();
        if (dataIter != null) {
            dataIter.seekToFirst();
        }
        skipEmptyForward();
        setEntryOf(dataIter);
    }

    @Override
    public void seekToLast() throws IOException {
        blockIndex = index.size() - 1;
        loadBlock();
        if (dataIter != null) {
            dataIter.seekToLast();
        }
        skipEmptyBackward();
        setEntryOf(dataIter);
    }

    @Override
    public void seek(final byte[] target) throws IOException {
        blockIndex = index.seek(target);
        loadBlock();
        if (dataIter != null) {
            dataIter.seek(target);
        }
        skipEmptyForward();
        setEntryOf(dataIter);
    }

    @Override
    public void next() throws IOException {
        dataIter.next();
        skipEmptyForward();
        setEntryOf(dataIter);
    }

    @Override
    public void prev() throws IOException {
        dataIter.prev();
        skipEmptyBackward();
        setEntryOf(dataIter);
    }
}
