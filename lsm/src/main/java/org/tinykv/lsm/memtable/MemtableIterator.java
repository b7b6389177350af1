package org.tinykv.lsm.memtable;

import org.tinykv.lsm.iterator.InternalIterator;

/**
 * An {@link InternalIterator} over a {@link SkipList}; {@code prev} is a search (the list has no back links).
 *
 * <p>Thread-safety: confined to one thread; safe against the concurrent writer.
 */
final class MemtableIterator implements InternalIterator {

    private final SkipList list;
    private long node;

    MemtableIterator(final SkipList list) {
        this.list = list;
    }

    @Override
    public boolean valid() {
        return node != 0;
    }

    @Override
    public void seekToFirst() {
        node = list.nextOf(0, 0);
    }

    @Override
    public void seekToLast() {
        node = list.findLast();
    }

    @Override
    public void seek(final byte[] target) {
        node = list.findGreaterOrEqual(target, 0, target.length, null);
    }

    @Override
    public void next() {
        node = list.nextOf(node, 0);
    }

    @Override
    public void prev() {
        node = list.findLessThan(keyArray(), keyOffset(), keyLength());
    }

    @Override
    public byte[] keyArray() {
        return list.slabOf(node);
    }

    @Override
    public int keyOffset() {
        return list.keyOffset(node);
    }

    @Override
    public int keyLength() {
        return list.keyLength(node);
    }

    @Override
    public byte[] valueArray() {
        return list.slabOf(node);
    }

    @Override
    public int valueOffset() {
        return list.valueOffset(node);
    }

    @Override
    public int valueLength() {
        return list.valueLength(node);
    }
}
