package org.tinykv.scheduler.meta;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A {@link MetaStore} kept in a {@link TreeMap}: every write is "durable" for the life of the object. Used by unit
 * tests and by simulations that model a restart by building a new scheduler over the same instance.
 * Thread-safe (synchronized).
 */
public final class MemMetaStore implements MetaStore {

    private final TreeMap<byte[], byte[]> map = new TreeMap<>(Arrays::compareUnsigned);
    private long writes;

    @Override
    public synchronized byte[] get(byte[] key) {
        byte[] v = map.get(key);
        return v == null ? null : v.clone();
    }

    @Override
    public synchronized void write(MetaBatch batch) {
        for (MetaBatch.Op op : batch.ops()) {
            if (op.isDelete()) {
                map.remove(op.key());
            } else {
                map.put(op.key().clone(), op.value().clone());
            }
        }
        writes++;
    }

    @Override
    public synchronized void scanPrefix(byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
        for (Map.Entry<byte[], byte[]> e : map.tailMap(prefix, true).entrySet()) {
            if (!MetaKeys.hasPrefix(e.getKey(), prefix)) {
                break;
            }
            visitor.accept(e.getKey().clone(), e.getValue().clone());
        }
    }

    /** Returns how many batches were written (for tests of batched persistence). */
    public synchronized long writeCount() {
        return writes;
    }

    @Override
    public void close() {
        // nothing to release
    }
}
