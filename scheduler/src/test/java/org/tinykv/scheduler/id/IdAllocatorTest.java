package org.tinykv.scheduler.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.tinykv.scheduler.meta.MemMetaStore;
import org.tinykv.scheduler.meta.MetaKeys;
import org.tinykv.wal.CorruptionException;

class IdAllocatorTest {

    @Test
    void idsIncreaseAndAreNeverReusedAfterRestart() throws IOException {
        MemMetaStore meta = new MemMetaStore();
        IdAllocator a = new IdAllocator(meta, 10);
        assertEquals(1, a.alloc());
        long last = 0;
        for (int i = 0; i < 25; i++) {
            last = a.alloc();
        }
        assertEquals(26, last);
        assertEquals(3, meta.writeCount(), "one sync per batch of 10");
        IdAllocator b = new IdAllocator(meta, 10);
        long next = b.alloc();
        assertTrue(next > last, next + " > " + last);
        assertEquals(31, next);
    }

    @Test
    void corruptBoundIsDetected() throws IOException {
        MemMetaStore meta = new MemMetaStore();
        meta.put(MetaKeys.ID_END, new byte[] {1, 2});
        assertThrows(CorruptionException.class, () -> new IdAllocator(meta, 10));
        assertThrows(IllegalArgumentException.class, () -> new IdAllocator(new MemMetaStore(), 0));
    }
}
