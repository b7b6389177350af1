package org.tinykv.tools.client;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tinykv.proto.errorpb.Error;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.BatchRollbackResponse;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusResponse;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.CommitResponse;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.Mutation;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.proto.kvrpcpb.RawDeleteRequest;
import org.tinykv.proto.kvrpcpb.RawDeleteResponse;
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.kvrpcpb.RawPutResponse;
import org.tinykv.proto.kvrpcpb.RawScanRequest;
import org.tinykv.proto.kvrpcpb.RawScanResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockResponse;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.txn.types.MemComparable;

/**
 * A client of a replicated TinyKV cluster, in the manner of TinySQL's {@code store/tikv}: each request goes to the
 * leader of the region holding its key(s), found through a {@link RegionCache} over the scheduler, with that
 * region's {@code kvrpcpb.Context}; region errors and transport failures are retried (see {@link RequestSender})
 * within {@link ClusterClientOptions#callTimeout()}, after which the call throws {@link ClusterClientException}.
 * The responses returned never carry a {@code region_error}; their other error fields (a raw {@code error}, key
 * errors) are the caller's to read.
 *
 * <p>Routing keys: raw-API keys as they are, transactional user keys as {@code EncodeBytes(key)} (see
 * {@link RegionCache} for why). Multi-key transactional requests are split into one request per region, sent one
 * after another.
 *
 * <p>Thread-safe and meant to be shared: {@link ClusterClientOptions#connectionsPerStore()} channels per store
 * address for all threads, blocking calls on the caller's thread (the {@code Async} raw calls on gRPC transport
 * threads while the route is cached), nothing allocated per request beyond the request itself and its call
 * options.
 */
public final class ClusterClient implements AutoCloseable {
    private final SchedulerClient scheduler;
    private final RegionCache cache;
    private final StoreChannels channels;
    private final RequestSender sender;
    /** Runs the asynchronous calls that must wait (routing, backoff): threads come and go with the need. */
    private final ExecutorService fallback = Executors.newCachedThreadPool(r -> {
        final Thread t = new Thread(r, "cluster-client-retry");
        t.setDaemon(true);
        return t;
    });

    /** A client routing through {@code scheduler} (closed with this client). */
    public ClusterClient(final SchedulerClient scheduler, final ClusterClientOptions options) {
        this.scheduler = scheduler;
        this.cache = new RegionCache(scheduler);
        this.channels = new StoreChannels(options.connectionsPerStore());
        this.sender = new RequestSender(cache, channels, options);
    }

    /** A client of the cluster whose scheduler listens at {@code schedulerAddress} (HOST:PORT). */
    public static ClusterClient connect(final String schedulerAddress, final ClusterClientOptions options) {
        return new ClusterClient(SchedulerClient.connect(schedulerAddress, options.schedulerTimeout()), options);
    }

    /** The region cache (for reports and tests). */
    public RegionCache regionCache() {
        return cache;
    }

    /** How many errors of each kind were retried so far, over all calls. */
    public Map<RegionErrorKind, Long> retriedErrors() {
        return sender.retried();
    }

    /** To how many stores channels are open. */
    public int storeChannels() {
        return channels.size();
    }

    private static Error regionError(final boolean has, final Error error) {
        return has ? error : null;
    }

    private static byte[] txnKey(final ByteString userKey) {
        return MemComparable.encodeBytes(userKey.toByteArray());
    }

    /** RawGet of {@code key} in column family {@code cf}. */
    public RawGetResponse rawGet(final ByteString key, final String cf) {
        return sender.send("RawGet", key.toByteArray(), TinyKvGrpc.getRawGetMethod(), rawGetRequest(key, cf),
            ClusterClient::rawGetError);
    }

    /** RawPut of {@code key} = {@code value} in column family {@code cf}. */
    public RawPutResponse rawPut(final ByteString key, final ByteString value, final String cf) {
        return sender.send("RawPut", key.toByteArray(), TinyKvGrpc.getRawPutMethod(), rawPutRequest(key, value, cf),
            ClusterClient::rawPutError);
    }

    /**
     * {@link #rawGet} without a waiting thread while the region's leader is cached and answers: the future
     * completes on a gRPC transport thread. Otherwise the call continues as {@link #rawGet} on a thread of this
     * client (routing through the scheduler, backoff, retries). Continuations must not block.
     */
    public CompletableFuture<RawGetResponse> rawGetAsync(final ByteString key, final String cf) {
        return withFallback(sender.tryOnce("RawGet", key.toByteArray(), TinyKvGrpc.getRawGetMethod(),
            rawGetRequest(key, cf), ClusterClient::rawGetError), () -> rawGet(key, cf));
    }

    /** {@link #rawPut} as {@link #rawGetAsync} does {@link #rawGet}. */
    public CompletableFuture<RawPutResponse> rawPutAsync(final ByteString key, final ByteString value,
                                                         final String cf) {
        return withFallback(sender.tryOnce("RawPut", key.toByteArray(), TinyKvGrpc.getRawPutMethod(),
            rawPutRequest(key, value, cf), ClusterClient::rawPutError), () -> rawPut(key, value, cf));
    }

    private <R> CompletableFuture<R> withFallback(final CompletableFuture<R> attempt, final Supplier<R> blocking) {
        return attempt.thenCompose(response -> response != null ? CompletableFuture.completedFuture(response)
            : CompletableFuture.supplyAsync(blocking, fallback));
    }

    private static Function<Context, RawGetRequest> rawGetRequest(final ByteString key, final String cf) {
        return ctx -> RawGetRequest.newBuilder().setContext(ctx).setKey(key).setCf(cf).build();
    }

    private static Function<Context, RawPutRequest> rawPutRequest(final ByteString key, final ByteString value,
                                                                  final String cf) {
        return ctx -> RawPutRequest.newBuilder().setContext(ctx).setKey(key).setValue(value).setCf(cf).build();
    }

    private static Error rawGetError(final RawGetResponse r) {
        return regionError(r.hasRegionError(), r.getRegionError());
    }

    private static Error rawPutError(final RawPutResponse r) {
        return regionError(r.hasRegionError(), r.getRegionError());
    }

    /** RawDelete of {@code key} in column family {@code cf}. */
    public RawDeleteResponse rawDelete(final ByteString key, final String cf) {
        return sender.send("RawDelete", key.toByteArray(), TinyKvGrpc.getRawDeleteMethod(),
            ctx -> RawDeleteRequest.newBuilder().setContext(ctx).setKey(key).setCf(cf).build(),
            r -> regionError(r.hasRegionError(), r.getRegionError()));
    }

    /**
     * Up to {@code limit} pairs with key {@code >= startKey} in key order, crossing regions: each region is scanned
     * from the start key (or its own start) and, when it returns fewer pairs than asked, the scan continues at its
     * end key. Pairs a store returns outside its region are dropped. A chunk's {@code error} ends the scan with the
     * pairs so far and that error.
     */
    public RawScanResponse rawScan(final ByteString startKey, final int limit, final String cf) {
        final RequestSender.Call call = sender.new Call("RawScan");
        final List<KvPair> pairs = new ArrayList<>();
        byte[] from = startKey.toByteArray();
        while (pairs.size() < limit) {
            final CachedRegion region = call.locate(from);
            final int want = limit - pairs.size();
            final ByteString fromKey = ByteString.copyFrom(from);
            final RawScanResponse r = call.attempt(region, TinyKvGrpc.getRawScanMethod(), RawScanRequest.newBuilder()
                    .setContext(region.context()).setStartKey(fromKey).setLimit(want).setCf(cf).build(),
                rr -> regionError(rr.hasRegionError(), rr.getRegionError()));
            if (r == null) {
                continue;
            }
            for (final KvPair p : r.getKvsList()) {
                if (pairs.size() < limit && region.contains(p.getKey().toByteArray())) {
                    pairs.add(p);
                }
            }
            if (!r.getError().isEmpty()) {
                return RawScanResponse.newBuilder().addAllKvs(pairs).setError(r.getError()).build();
            }
            if (r.getKvsCount() >= want || region.end().length == 0) {
                break;
            }
            from = region.end();
        }
        return RawScanResponse.newBuilder().addAllKvs(pairs).build();
    }

    /** KvGet, routed by the request's key. */
    public GetResponse kvGet(final GetRequest request) {
        return sender.send("KvGet", txnKey(request.getKey()), TinyKvGrpc.getKvGetMethod(),
            ctx -> request.toBuilder().setContext(ctx).build(),
            r -> regionError(r.hasRegionError(), r.getRegionError()));
    }

    /**
     * KvPrewrite of every mutation, one request per region (all of them sent even if one reports key errors);
     * the answer carries the key errors of all of them.
     */
    public PrewriteResponse kvPrewrite(final PrewriteRequest request) {
        final PrewriteResponse.Builder out = PrewriteResponse.newBuilder();
        sender.sendGrouped("KvPrewrite", request.getMutationsList(), (Mutation m) -> txnKey(m.getKey()),
            TinyKvGrpc.getKvPrewriteMethod(),
            (ctx, muts) -> request.toBuilder().setContext(ctx).clearMutations().addAllMutations(muts).build(),
            r -> regionError(r.hasRegionError(), r.getRegionError()),
            r -> {
                out.addAllErrors(r.getErrorsList());
                return true;
            });
        return out.build();
    }

    /**
     * KvCommit of every key, one request per region in the order of each region's first key: list the primary
     * first and its region is committed first. The first key error stops the commit (later regions are not sent)
     * and is the answer's error.
     */
    public CommitResponse kvCommit(final CommitRequest request) {
        final CommitResponse[] out = {CommitResponse.getDefaultInstance()};
        sender.sendGrouped("KvCommit", request.getKeysList(), ClusterClient::txnKey, TinyKvGrpc.getKvCommitMethod(),
            (ctx, keys) -> request.toBuilder().setContext(ctx).clearKeys().addAllKeys(keys).build(),
            r -> regionError(r.hasRegionError(), r.getRegionError()),
            r -> {
                if (r.hasError()) {
                    out[0] = r;
                    return false;
                }
                return true;
            });
        return out[0];
    }

    /** KvBatchRollback of every key, one request per region, all sent; the answer has the first key error. */
    public BatchRollbackResponse kvBatchRollback(final BatchRollbackRequest request) {
        final BatchRollbackResponse[] out = {BatchRollbackResponse.getDefaultInstance()};
        sender.sendGrouped("KvBatchRollback", request.getKeysList(), ClusterClient::txnKey,
            TinyKvGrpc.getKvBatchRollbackMethod(),
            (ctx, keys) -> request.toBuilder().setContext(ctx).clearKeys().addAllKeys(keys).build(),
            r -> regionError(r.hasRegionError(), r.getRegionError()),
            r -> {
                if (r.hasError() && !out[0].hasError()) {
                    out[0] = r;
                }
                return true;
            });
        return out[0];
    }

    /** KvCheckTxnStatus, routed by the request's primary key. */
    public CheckTxnStatusResponse kvCheckTxnStatus(final CheckTxnStatusRequest request) {
        return sender.send("KvCheckTxnStatus", txnKey(request.getPrimaryKey()), TinyKvGrpc.getKvCheckTxnStatusMethod(),
            ctx -> request.toBuilder().setContext(ctx).build(),
            r -> regionError(r.hasRegionError(), r.getRegionError()));
    }

    /**
     * KvResolveLock in the region of {@code lockKey} (a key locked by the transaction, as TinySQL's lock resolver
     * does): resolves the transaction's locks in that region only.
     */
    public ResolveLockResponse kvResolveLock(final ResolveLockRequest request, final ByteString lockKey) {
        return sender.send("KvResolveLock", txnKey(lockKey), TinyKvGrpc.getKvResolveLockMethod(),
            ctx -> request.toBuilder().setContext(ctx).build(),
            r -> regionError(r.hasRegionError(), r.getRegionError()));
    }

    @Override
    public void close() {
        fallback.shutdownNow();
        channels.close();
        scheduler.close();
    }
}
