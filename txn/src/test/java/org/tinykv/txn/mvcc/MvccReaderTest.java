package org.tinykv.txn.mvcc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.txn.engine.EngineIterator;
import org.tinykv.txn.engine.EngineSnapshot;
import org.tinykv.txn.engine.MemEngine;
import org.tinykv.txn.engine.Modify;
import org.tinykv.txn.engine.TxnCf;
import org.tinykv.txn.types.Lock;
import org.tinykv.txn.types.LockKind;
import org.tinykv.txn.types.MvccKey;
import org.tinykv.txn.types.Write;
import org.tinykv.txn.types.WriteKind;

/** MvccReader: lookups of several keys in any order share one write-CF iterator and see the right versions. */
class MvccReaderTest {
    private static final byte[] A = {'a'};
    private static final byte[] B = {'b', 'b'};

    /** Counts the iterators a snapshot opens and how many are still open. */
    private static final class CountingSnapshot implements EngineSnapshot {
        private final EngineSnapshot inner;
        int opened;
        int open;

        CountingSnapshot(EngineSnapshot inner) {
            this.inner = inner;
        }

        @Override
        public byte[] get(TxnCf cf, byte[] key) {
            return inner.get(cf, key);
        }

        @Override
        public EngineIterator iterator(TxnCf cf, byte[] lower, byte[] upper) {
            EngineIterator it = inner.iterator(cf, lower, upper);
            opened++;
            open++;
            return new EngineIterator() {
                @Override
                public void seek(byte[] key) {
                    it.seek(key);
                }

                @Override
                public boolean valid() {
                    return it.valid();
                }

                @Override
                public void next() {
                    it.next();
                }

                @Override
                public byte[] key() {
                    return it.key();
                }

                @Override
                public byte[] value() {
                    return it.value();
                }

                @Override
                public void close() {
                    open--;
                    it.close();
                }
            };
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private static void commit(List<Modify> out, byte[] key, long start, long commit, WriteKind kind, String v) {
        if (kind == WriteKind.PUT) {
            out.add(new Modify.Put(TxnCf.DEFAULT, MvccKey.encode(key, start), v.getBytes()));
        }
        out.add(new Modify.Put(TxnCf.WRITE, MvccKey.encode(key, commit), new Write(start, kind).toBytes()));
    }

    @Test
    void interleavedLookupsOfTwoKeysShareOneIteratorAndCloseIt() {
        MemEngine engine = new MemEngine();
        List<Modify> batch = new ArrayList<>();
        commit(batch, A, 10, 11, WriteKind.PUT, "a10");
        commit(batch, A, 20, 21, WriteKind.DELETE, null);
        commit(batch, A, 30, 30, WriteKind.ROLLBACK, null);
        commit(batch, B, 5, 6, WriteKind.PUT, "b5");
        commit(batch, B, 15, 16, WriteKind.PUT, "b15");
        batch.add(new Modify.Put(TxnCf.LOCK, MvccKey.lockKey(B), new Lock(B, 40, 100, LockKind.PUT).toBytes()));
        engine.write(null, batch);
        try (CountingSnapshot snap = new CountingSnapshot(engine.snapshot(null))) {
            try (MvccReader reader = new MvccReader(snap)) {
                assertArrayEquals("a10".getBytes(), reader.getValue(A, 15));
                assertArrayEquals("b15".getBytes(), reader.getValue(B, 100));
                assertNull(reader.getValue(A, 25));
                assertEquals(30, reader.mostRecentWrite(A).commitTs());
                assertArrayEquals("b5".getBytes(), reader.getValue(B, 15));
                assertEquals(new WriteEntry(21, new Write(20, WriteKind.DELETE)), reader.currentWrite(A, 20));
                assertNull(reader.currentWrite(B, 7));
                assertEquals(6, reader.seekWrite(B, 10).commitTs());
                assertNull(reader.seekWrite(A, 5));
                assertEquals(3, reader.allWrites(A).size());
                assertNull(reader.getLock(A));
                assertEquals(40, reader.getLock(B).startTs());
                assertNull(reader.getValue(new byte[] {'c'}, 100));
                assertEquals(1, snap.opened, "one write-CF iterator for every lookup");
            }
            assertEquals(0, snap.open, "close() releases the iterator");
        }
    }
}
