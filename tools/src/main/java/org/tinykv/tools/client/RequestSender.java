package org.tinykv.tools.client;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.tinykv.proto.errorpb.Error;

/**
 * Sends requests to the leader of the right region and retries, after TinySQL's {@code region_request.go}: each
 * region error or transport failure updates the {@link RegionCache}, is counted per {@link RegionErrorKind}, and
 * is followed by a backoff; a call whose deadline would pass (or leave less than {@link #MIN_ATTEMPT_NANOS} for
 * the retry) fails with a {@link ClusterClientException} naming the
 * last error. gRPC statuses other than UNAVAILABLE, DEADLINE_EXCEEDED and CANCELLED are not retried. Thread-safe.
 */
final class RequestSender {
    /** A retry is not started with less time than this (or the RPC timeout if shorter) left before the deadline. */
    static final long MIN_ATTEMPT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private final RegionCache cache;
    private final StoreChannels channels;
    private final ClusterClientOptions options;
    private final Map<RegionErrorKind, LongAdder> retried = new EnumMap<>(RegionErrorKind.class);
    private final AtomicLong backoffSeeds = new AtomicLong();

    RequestSender(final RegionCache cache, final StoreChannels channels, final ClusterClientOptions options) {
        this.cache = cache;
        this.channels = channels;
        this.options = options;
        for (final RegionErrorKind k : RegionErrorKind.values()) {
            retried.put(k, new LongAdder());
        }
        backoffSeeds.set(options.seed());
    }

    /** Retries so far per kind of error (kinds never met included, at 0). */
    Map<RegionErrorKind, Long> retried() {
        final Map<RegionErrorKind, Long> out = new EnumMap<>(RegionErrorKind.class);
        retried.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** One call: its deadline, its backoff and its last error. Confined to the calling thread. */
    final class Call {
        private final String op;
        private final long start;
        private Backoff backoff;
        private String lastError;
        private int retries;

        Call(final String op) {
            this.op = op;
            this.start = options.nanoClock().getAsLong();
        }

        /** The region of {@code key}, backing off while the scheduler cannot say. */
        CachedRegion locate(final byte[] key) {
            while (true) {
                try {
                    return cache.locate(key);
                } catch (RouteException e) {
                    retry(e.kind(), e.kind() == RegionErrorKind.TRANSPORT ? Backoff.Kind.RPC
                        : Backoff.Kind.REGION_MISS, e.getMessage());
                }
            }
        }

        /**
         * Sends {@code request} to the leader of {@code region}: the response if it has no region error, else
         * null after the cache learned from the error and the backoff slept (the caller routes again).
         */
        <Q, R> R attempt(final CachedRegion region, final MethodDescriptor<Q, R> method, final Q request,
                         final Function<R, Error> regionError) {
            final String address;
            try {
                address = cache.storeAddress(region.leader().getStoreId());
            } catch (RouteException e) {
                retry(e.kind(), e.kind() == RegionErrorKind.TRANSPORT ? Backoff.Kind.RPC : Backoff.Kind.REGION_MISS,
                    e.getMessage());
                return null;
            }
            final R response;
            try {
                response = ClientCalls.blockingUnaryCall(channels.get(address), method, callOptions(), request);
            } catch (StatusRuntimeException e) {
                final Status.Code code = e.getStatus().getCode();
                if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED
                        && code != Status.Code.CANCELLED) {
                    throw new ClusterClientException(op + " to " + region + " at " + address + ": " + e.getStatus(),
                        e);
                }
                cache.onSendFail(region);
                retry(RegionErrorKind.TRANSPORT, Backoff.Kind.RPC, region + " at " + address + ": " + e.getStatus());
                return null;
            }
            final Error error = regionError.apply(response);
            if (error == null) {
                return response;
            }
            retry(RegionErrorKind.of(error), react(region, error), region + ": " + error.toString().strip());
            return null;
        }

        private CallOptions callOptions() {
            final long left = start + options.callTimeout().toNanos() - options.nanoClock().getAsLong();
            if (left <= 0) {
                throw giveUp();
            }
            return CallOptions.DEFAULT.withDeadlineAfter(Math.min(left, options.rpcTimeout().toNanos()),
                TimeUnit.NANOSECONDS);
        }

        /** Counts the trouble, remembers it, and sleeps its backoff, or gives up if that would pass the deadline. */
        void retry(final RegionErrorKind kind, final Backoff.Kind backoffKind, final String description) {
            lastError = kind.label() + ": " + description;
            if (backoff == null) {
                backoff = new Backoff(backoffSeeds.incrementAndGet());
            }
            final long sleep = backoff.next(backoffKind);
            final long now = options.nanoClock().getAsLong();
            if (now + sleep + Math.min(MIN_ATTEMPT_NANOS, options.rpcTimeout().toNanos())
                    > start + options.callTimeout().toNanos()) {
                throw giveUp();
            }
            retried.get(kind).increment();
            retries++;
            if (sleep > 0) {
                options.sleeper().sleep(sleep);
            }
        }

        private ClusterClientException giveUp() {
            return new ClusterClientException(String.format(Locale.ROOT, "%s gave up after %d retries in %d ms "
                + "(deadline %d ms); last error: %s", op, retries,
                (options.nanoClock().getAsLong() - start) / 1_000_000, options.callTimeout().toMillis(), lastError));
        }
    }

    /**
     * One attempt without waiting, possible when the region of {@code routeKey} and its leader's address are cached:
     * the future completes with the response, or with null if there was no such attempt or it did not succeed (a
     * region error or a transport failure, counted, and learned by the cache); the caller then falls back to
     * {@link #send}, which backs off and retries. gRPC statuses that {@link #send} does not retry complete it
     * exceptionally with a {@link ClusterClientException}. The future completes on a gRPC transport thread (or at
     * once): its continuations must not block.
     */
    <Q, R> CompletableFuture<R> tryOnce(final String op, final byte[] routeKey, final MethodDescriptor<Q, R> method,
                                        final Function<org.tinykv.proto.kvrpcpb.Context, Q> build,
                                        final Function<R, Error> regionError) {
        final CachedRegion region = cache.cachedRegionOf(routeKey);
        final String address = region == null ? null : cache.cachedStoreAddress(region.leader().getStoreId());
        if (address == null) {
            return CompletableFuture.completedFuture(null);
        }
        final CompletableFuture<R> done = new CompletableFuture<>();
        final CallOptions callOptions = CallOptions.DEFAULT.withDeadlineAfter(options.rpcTimeout().toNanos(),
            TimeUnit.NANOSECONDS);
        ClientCalls.asyncUnaryCall(channels.get(address).newCall(method, callOptions),
            build.apply(region.context()), new StreamObserver<R>() {
                @Override
                public void onNext(final R response) {
                    final Error error = regionError.apply(response);
                    if (error == null) {
                        done.complete(response);
                        return;
                    }
                    retried.get(RegionErrorKind.of(error)).increment();
                    react(region, error);
                    done.complete(null);
                }

                @Override
                public void onError(final Throwable t) {
                    final Status status = Status.fromThrowable(t);
                    final Status.Code code = status.getCode();
                    if (code != Status.Code.UNAVAILABLE && code != Status.Code.DEADLINE_EXCEEDED
                            && code != Status.Code.CANCELLED) {
                        done.completeExceptionally(new ClusterClientException(op + " to " + region + " at "
                            + address + ": " + status, t));
                        return;
                    }
                    cache.onSendFail(region);
                    retried.get(RegionErrorKind.TRANSPORT).increment();
                    done.complete(null);
                }

                @Override
                public void onCompleted() {
                    done.complete(null);
                }
            });
        return done;
    }

    /** Updates the cache from {@code error} answered by {@code region}'s leader; returns the backoff to take. */
    private Backoff.Kind react(final CachedRegion region, final Error error) {
        switch (RegionErrorKind.of(error)) {
            case NOT_LEADER -> {
                cache.onNotLeader(region, error.getNotLeader());
                return error.getNotLeader().hasLeader() ? Backoff.Kind.FAST : Backoff.Kind.REGION_MISS;
            }
            case EPOCH_NOT_MATCH -> {
                cache.onEpochNotMatch(region, error.getEpochNotMatch());
                return Backoff.Kind.FAST;
            }
            case STALE_COMMAND -> {
                return Backoff.Kind.FAST;
            }
            case STORE_NOT_MATCH -> {
                cache.invalidateStore(region.leader().getStoreId());
                return Backoff.Kind.FAST;
            }
            default -> {
                cache.invalidate(region);
                return Backoff.Kind.REGION_MISS;
            }
        }
    }

    /** Sends one request for the region of {@code routeKey}, built for the region's context, until it succeeds. */
    <Q, R> R send(final String op, final byte[] routeKey, final MethodDescriptor<Q, R> method,
                  final Function<org.tinykv.proto.kvrpcpb.Context, Q> build, final Function<R, Error> regionError) {
        final Call call = new Call(op);
        while (true) {
            final CachedRegion region = call.locate(routeKey);
            final R response = call.attempt(region, method, build.apply(region.context()), regionError);
            if (response != null) {
                return response;
            }
        }
    }

    /**
     * Sends {@code items} grouped by region, one request per region, in the order of each region's first item; a
     * group that meets a region error is grouped again and resent. {@code consume} sees each successful response
     * and returns false to stop (the remaining groups are not sent).
     */
    <T, Q, R> void sendGrouped(final String op, final List<T> items, final Function<T, byte[]> routeKey,
                               final MethodDescriptor<Q, R> method,
                               final BiFunction<org.tinykv.proto.kvrpcpb.Context, List<T>, Q> build,
                               final Function<R, Error> regionError, final Predicate<R> consume) {
        final Call call = new Call(op);
        final Deque<List<T>> work = new ArrayDeque<>();
        work.add(items);
        while (!work.isEmpty()) {
            final List<T> batch = work.poll();
            final Map<Long, List<T>> groups = new LinkedHashMap<>();
            final Map<Long, CachedRegion> regions = new LinkedHashMap<>();
            for (final T item : batch) {
                final CachedRegion r = call.locate(routeKey.apply(item));
                regions.putIfAbsent(r.id(), r);
                groups.computeIfAbsent(r.id(), id -> new ArrayList<>()).add(item);
            }
            if (groups.size() > 1) {
                final List<List<T>> ordered = new ArrayList<>(groups.values());
                for (int i = ordered.size() - 1; i >= 0; i--) {
                    work.addFirst(ordered.get(i));
                }
                continue;
            }
            if (batch.isEmpty()) {
                continue;
            }
            final CachedRegion region = regions.values().iterator().next();
            final R response = call.attempt(region, method, build.apply(region.context(), batch), regionError);
            if (response == null) {
                work.addFirst(batch);
            } else if (!consume.test(response)) {
                return;
            }
        }
    }
}
