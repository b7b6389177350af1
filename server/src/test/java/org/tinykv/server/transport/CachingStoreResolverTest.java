package org.tinykv.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.metapb.Store;
import org.tinykv.proto.metapb.StoreState;

/** Caching, invalidation and refusals of the scheduler-backed resolver. */
class CachingStoreResolverTest {
    private final Map<Long, Store> stores = new HashMap<>();
    private int lookups;
    private boolean schedulerDown;
    private final CachingStoreResolver r = new CachingStoreResolver(id -> {
        lookups++;
        if (schedulerDown) {
            throw new IOException("scheduler unreachable");
        }
        final Store s = stores.get(id);
        if (s == null) {
            throw new IOException("invalid store ID " + id + ", not found");
        }
        return s;
    });

    @Test
    void startsFromSavedAddressesAndReportsWhatItLearns() throws IOException {
        final java.util.List<Map<Long, String>> learned = new java.util.ArrayList<>();
        schedulerDown = true;
        final CachingStoreResolver saved = new CachingStoreResolver(id -> {
            if (schedulerDown) {
                throw new IOException("scheduler unreachable");
            }
            return stores.get(id);
        }, Map.of(7L, "127.0.0.1:7007"), learned::add);
        assertEquals("127.0.0.1:7007", saved.resolve(7), "a saved address serves while the scheduler is down");
        schedulerDown = false;
        stores.put(7L, Store.newBuilder().setId(7).setAddress("127.0.0.1:7008").build());
        saved.invalidate(7);
        assertEquals("127.0.0.1:7008", saved.resolve(7));
        assertEquals(java.util.List.of(Map.of(7L, "127.0.0.1:7008")), learned);
        saved.invalidate(7);
        saved.resolve(7);
        assertEquals(1, learned.size(), "an unchanged address is not reported again");
    }

    @Test
    void schedulerDownFallsBackToTheLastKnownAddress() throws IOException {
        stores.put(1L, Store.newBuilder().setId(1).setAddress("127.0.0.1:1001").build());
        assertEquals("127.0.0.1:1001", r.resolve(1));
        r.invalidate(1);
        schedulerDown = true;
        assertEquals("127.0.0.1:1001", r.resolve(1), "the last known address while the scheduler is down");
        assertThrows(IOException.class, () -> r.resolve(2), "a store never resolved has no fallback");
        schedulerDown = false;
        stores.put(1L, Store.newBuilder().setId(1).setAddress("127.0.0.1:2002").build());
        assertEquals("127.0.0.1:2002", r.resolve(1), "asked again once the scheduler answers");
    }

    @Test
    void cachesUntilInvalidated() throws IOException {
        stores.put(1L, Store.newBuilder().setId(1).setAddress("127.0.0.1:1001").build());
        assertEquals("127.0.0.1:1001", r.resolve(1));
        stores.put(1L, Store.newBuilder().setId(1).setAddress("127.0.0.1:2002").build());
        assertEquals("127.0.0.1:1001", r.resolve(1));
        assertEquals(1, lookups);
        r.invalidate(1);
        assertEquals("127.0.0.1:2002", r.resolve(1));
        assertEquals(2, lookups);
    }

    @Test
    void refusesTombstonesUnknownAndAddresslessStores() {
        stores.put(2L, Store.newBuilder().setId(2).setAddress("127.0.0.1:1").setState(StoreState.Tombstone).build());
        stores.put(3L, Store.newBuilder().setId(3).build());
        assertTrue(assertThrows(IOException.class, () -> r.resolve(2)).getMessage().contains("tombstone"));
        assertTrue(assertThrows(IOException.class, () -> r.resolve(3)).getMessage().contains("no address"));
        assertTrue(assertThrows(IOException.class, () -> r.resolve(4)).getMessage().contains("not found"));
        assertThrows(IOException.class, () -> r.resolve(2));
        assertEquals(4, lookups, "refusals are not cached");
    }

    @Test
    void mapResolverSeesLaterChanges() throws IOException {
        final Map<Long, String> m = new HashMap<>();
        final StoreAddressResolver mr = StoreAddressResolver.of(m);
        assertThrows(IOException.class, () -> mr.resolve(1));
        m.put(1L, "127.0.0.1:5");
        assertEquals("127.0.0.1:5", mr.resolve(1));
    }
}
