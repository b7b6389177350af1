package org.tinykv.lsm.sstable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.ValueKind;

/**
 * An ingested table's keys all read back with the global sequence number, also when a key's shared prefix reaches
 * into the stored trailer of the key before it (user key "a" stored with sequence 0, then "a" + those trailer
 * bytes + more).
 */
class BlockIteratorGlobalSeqTest {

    @Test
    void sharedPrefixesReachingIntoTheStoredTrailerDecodeRight() throws Exception {
        final byte[] first = InternalKey.encode(new byte[] {'a'}, 0, ValueKind.PUT.code());
        final byte[] secondUser = Arrays.copyOf(first, first.length + 1);
        secondUser[first.length] = 7;
        final byte[] second = InternalKey.encode(secondUser, 0, ValueKind.PUT.code());
        final BlockBuilder b = new BlockBuilder(16);
        b.add(first, 0, first.length, new byte[] {1}, 0, 1);
        b.add(second, 0, second.length, new byte[] {2}, 0, 1);
        final long globalSeq = 0x0102030405L;
        final BlockIterator it = new Block(b.finish(), "t", 0).iterator(globalSeq);
        it.seekToFirst();
        assertTrue(it.valid());
        assertArrayEquals(InternalKey.encode(new byte[] {'a'}, globalSeq, ValueKind.PUT.code()),
            Arrays.copyOf(it.keyArray(), it.keyLength()));
        it.next();
        assertTrue(it.valid());
        assertArrayEquals(InternalKey.encode(secondUser, globalSeq, ValueKind.PUT.code()),
            Arrays.copyOf(it.keyArray(), it.keyLength()));
        it.next();
        assertFalse(it.valid());
    }
}
