package org.tinykv.server.storage;

import java.util.concurrent.CompletableFuture;
import org.tinykv.lsm.Cf;
import org.tinykv.proto.kvrpcpb.Context;

/**
 * The point calls of {@link RawKv} without a waiting thread: each returns at once and completes its future when the
 * store has answered, on whichever thread answered it (a store worker, or the caller for an immediate error). A
 * replicated store serves these so that a gRPC transport thread can take a request and a store worker can send
 * its response, with no handler thread parked per call in between.
 *
 * <p>Failures complete the future exceptionally with the exceptions {@link RawKv} documents: a
 * {@link org.tinykv.txn.engine.RegionErrorException} (routing, including the command timeout) or an
 * {@link java.io.IOException} from the engine. Continuations must not block: they run on store workers.
 *
 * <p>Thread-safety: implementations are safe for concurrent use.
 */
public interface AsyncRawKv {

    /** {@link RawKv#get}: the value, or null if the key is absent. */
    CompletableFuture<byte[]> getAsync(Context ctx, Cf cf, byte[] key);

    /** {@link RawKv#put}: completes once the write is applied. */
    CompletableFuture<Void> putAsync(Context ctx, Cf cf, byte[] key, byte[] value);

    /** {@link RawKv#delete}: completes once the delete is applied. */
    CompletableFuture<Void> deleteAsync(Context ctx, Cf cf, byte[] key);
}
