package org.tinykv.lsm.memtable;

import org.tinykv.lsm.iterator.InternalIterator;

/**
 * An {@link InternalIterator} over a {@link SkipList}; {@code prev} is a search (the list has no back links).
 *
 * <p>Thread-safety: confined to one thread; safe against the concurrent writer.
 */
final class MemtableIterator extends InternalIterator {

    private final SkipList list;
    private long node;

    MemtableIterator(final SkipList list) {
        this.list = list;
    }

    private void moveTo(final long node) {
        this.node = node;
        if (node == 0) {
            setInvalid();
            return;
        }
        final byte[] slab = list.slabOf(node);
        final int keyOff = list.keyOffset(node);
        final int keyLen = list.keyLength(node);
        setEntry(slab, keyOff, keyLen, slab, keyOff + keyLen, list.valueLength(node));
    }

    @Override
    public void seekToFirst() {
        moveTo(list.nextOf(0, 0));
    }

    @Override
    public void seekToLast() {
        moveTo(list.findLast());
    }

    @Override
    public void seek(final byte[] target) {
        moveTo(list.findGreaterOrEqual(target, 0, target.length, null));
    }

    @Override
    public void next() {
        moveTo(list.nextOf(node, 0));
    }

    @Override
    public void prev() {
        moveTo(list.findLessThan(keyArray(), keyOffset(), keyLength()));
    }
}
