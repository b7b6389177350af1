package org.tinykv.server.storage;

import java.io.IOException;
import java.util.List;
import org.tinykv.lsm.Cf;
import org.tinykv.proto.kvrpcpb.Context;

/**
 * The raw (non-transactional) key-value API as the gRPC service serves it: point reads, writes, deletes and
 * forward scans of one column family, each addressed by the request's routing {@link Context}. A standalone store
 * ignores the context (one store, one key space); a replicated store runs each call in the region the context
 * names, on its leader.
 *
 * <p>Errors: a request this store cannot serve for routing reasons (not leader, stale epoch, unknown region, key
 * outside the region, command timed out) throws {@link org.tinykv.txn.engine.RegionErrorException} carrying the
 * {@code errorpb.Error} to put into the response's {@code region_error}; an engine I/O failure throws
 * {@link IOException}. Callers map the column family name ({@link StandaloneStorage#columnFamily}) and reject empty
 * keys before calling.
 *
 * <p>Thread-safety: implementations are safe for concurrent use.
 */
public interface RawKv {

    /** The value of {@code key} in {@code cf}, or null if it is absent. */
    byte[] get(Context ctx, Cf cf, byte[] key) throws IOException;

    /** Sets {@code key} to {@code value} in {@code cf}; durable (by the implementation's notion) on return. */
    void put(Context ctx, Cf cf, byte[] key, byte[] value) throws IOException;

    /** Removes {@code key} from {@code cf} (absent keys are fine); durable on return. */
    void delete(Context ctx, Cf cf, byte[] key) throws IOException;

    /**
     * At most {@code limit} pairs of {@code cf} with key {@code >= startKey}, in increasing unsigned byte order,
     * read from one consistent view; a replicated store stops at the end of the context's region.
     *
     * @param limit the maximum number of pairs, not negative; 0 gives an empty list
     */
    List<KeyValue> scan(Context ctx, Cf cf, byte[] startKey, long limit) throws IOException;
}
