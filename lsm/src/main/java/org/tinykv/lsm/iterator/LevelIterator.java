package org.tinykv.lsm.iterator;

import java.io.IOException;
import java.util.List;
import org.tinykv.lsm.cache.TableCache;
import org.tinykv.lsm.key.KeyComparator;
import org.tinykv.lsm.sstable.TableReader;
import org.tinykv.lsm.version.FileMetadata;

/**
 * Concatenates the tables of one sorted, non-overlapping level, opening each through the table cache only when the
 * cursor reaches it.
 *
 * <p>Thread-safety: confined to one thread.
 */
public final class LevelIterator extends InternalIterator {

    private final List<FileMetadata> files;
    private final TableCache tables;
    private final boolean fillCache;
    private int index = -1;
    private TableReader table;
    private InternalIterator iter;

    /** Iterates {@code files} (sorted by smallest key, non-overlapping). */
    public LevelIterator(final List<FileMetadata> files, final TableCache tables, final boolean fillCache) {
        this.files = files;
        this.tables = tables;
        this.fillCache = fillCache;
    }

    private void open(final int i) throws IOException {
        if (i == index && iter != null) {
            return;
        }
        release();
        index = i;
        if (i < 0 || i >= files.size()) {
            return;
        }
        final FileMetadata f = files.get(i);
        table = tables.acquire(f.number(), f.globalSeq());
        iter = table.iterator(fillCache);
    }

    private void release() throws IOException {
        iter = null;
        if (table != null) {
            final TableReader t = table;
            table = null;
            t.release();
        }
    }

    private void forwardSkip() throws IOException {
        while ((iter == null || !iter.valid()) && index + 1 < files.size() && index >= 0) {
            open(index + 1);
            iter.seekToFirst();
        }
    }

    private void backwardSkip() throws IOException {
        while ((iter == null || !iter.valid()) && index > 0) {
            open(index - 1);
            iter.seekToLast();
        }
    }

    @Override
    public void seekToFirst() throws IOException {
        if (files.isEmpty()) {
            release();
            setInvalid();
            return;
        }
        open(0);
        iter.seekToFirst();
        forwardSkip();
        setEntryOf(iter);
    }

    @Override
    public void seekToLast() throws IOException {
        if (files.isEmpty()) {
            release();
            setInvalid();
            return;
        }
        open(files.size() - 1);
        iter.seekToLast();
        backwardSkip();
        setEntryOf(iter);
    }

    @Override
    public void seek(final byte[] target) throws IOException {
        int lo = 0;
        int hi = files.size();
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            final byte[] largest = files.get(mid).largest();
            if (KeyComparator.compareInternal(largest, 0, largest.length, target, 0, target.length) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo >= files.size()) {
            release();
            index = files.size();
            setInvalid();
            return;
        }
        open(lo);
        iter.seek(target);
        forwardSkip();
        setEntryOf(iter);
    }

    @Override
    public void next() throws IOException {
        iter.next();
        forwardSkip();
        setEntryOf(iter);
    }

    @Override
    public void prev() throws IOException {
        iter.prev();
        backwardSkip();
        setEntryOf(iter);
    }

    @Override
    public void close() throws IOException {
        release();
    }
}
