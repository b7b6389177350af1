package org.tinykv.server.cluster;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tinykv.multiraft.pd.SchedulerClient;
import org.tinykv.proto.metapb.Store;

/**
 * Registers a store's address with the scheduler (PutStore) when it could not at start: a background thread
 * retries with backoff (100 ms doubling to 5 s) until the scheduler accepts or the registration is closed.
 *
 * <p>Thread-safety: safe.
 */
final class Registration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Registration.class);
    private static final long MIN_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final SchedulerClient pd;
    private final Store meta;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile boolean done;
    private Thread thread;

    /** A registration of store {@code storeId} at {@code address}; {@code done} if it already happened. */
    Registration(final SchedulerClient pd, final long storeId, final String address, final boolean done) {
        this.pd = pd;
        this.meta = Store.newBuilder().setId(storeId).setAddress(address).build();
        this.done = done;
    }

    /** Starts retrying unless already registered. */
    synchronized void start() {
        if (done || thread != null) {
            return;
        }
        thread = new Thread(this::run, "store-registration");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the scheduler has the store's address. */
    boolean done() {
        return done;
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        try {
            while (!done) {
                try {
                    pd.putStore(meta);
                    done = true;
                    LOG.info("event=store_registered store={} address={}", meta.getId(), meta.getAddress());
                } catch (final IOException e) {
                    LOG.debug("event=store_registration_failed store={} error=\"{}\"", meta.getId(), e.getMessage());
                    if (stop.await(backoff, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop.countDown();
        final Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(10_000);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
