package org.tinykv.multiraft.operation.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batches of reads: sealed into one context, taken, expired and cleared together. */
class PendingReadsTest {

    @Test
    void theReadsOfABatchShareOneContext() {
        final PendingReads<String> reads = new PendingReads<>(3, 7);
        assertNull(reads.seal(), "nothing to confirm");
        reads.add("a");
        reads.add("b");
        assertTrue(reads.hasOpen());
        final ByteString first = reads.seal();
        assertFalse(reads.hasOpen());
        reads.add("c");
        final ByteString second = reads.seal();
        assertNotEquals(first, second);
        assertEquals(3, reads.size());
        assertEquals(List.of("c"), reads.take(second));
        assertEquals(List.of("a", "b"), reads.take(first));
        assertEquals(List.of(), reads.take(first), "taken once");
        assertEquals(0, reads.size());
    }

    @Test
    void contextsOfDifferentPeersDiffer() {
        final PendingReads<String> p1 = new PendingReads<>(3, 1);
        final PendingReads<String> p2 = new PendingReads<>(3, 2);
        p1.add("x");
        p2.add("x");
        final ByteString c1 = p1.seal();
        assertNotEquals(c1, p2.seal());
        assertEquals(List.of(), p2.take(c1), "a foreign context is unknown");
    }

    @Test
    void sealedBatchesExpireAfterTheirTicksAndClearTakesOpenOnesToo() {
        final PendingReads<String> reads = new PendingReads<>(2, 7);
        reads.add("old");
        final ByteString old = reads.seal();
        assertEquals(List.of(), reads.tick());
        reads.add("young");
        reads.seal();
        assertEquals(List.of("old"), reads.tick());
        assertEquals(List.of(), reads.take(old), "expired");
        reads.add("open");
        assertEquals(2, reads.size());
        assertEquals(List.of("young", "open"), reads.clear());
        assertEquals(0, reads.size());
        assertFalse(reads.hasOpen());
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new PendingReads<String>(0, 1));
    }
}
