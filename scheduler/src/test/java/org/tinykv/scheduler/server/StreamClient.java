package org.tinykv.scheduler.server;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.grpc.stub.StreamObserver;

/** Test helper: collects what a server stream sends; {@link #next()} waits up to 10 s for the next event. */
final class StreamClient<T> implements StreamObserver<T> {

    static final Object COMPLETED = new Object();

    final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();

    @Override
    public void onNext(T value) {
        events.add(value);
    }

    @Override
    public void onError(Throwable t) {
        events.add(t);
    }

    @Override
    public void onCompleted() {
        events.add(COMPLETED);
    }

    /** Returns the next event: a message, a Throwable, or COMPLETED; fails after 10 s. */
    Object next() throws InterruptedException {
        Object o = events.poll(10, TimeUnit.SECONDS);
        if (o == null) {
            throw new AssertionError("no stream event within 10 s");
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    T nextMessage() throws InterruptedException {
        Object o = next();
        if (!(o != COMPLETED && !(o instanceof Throwable))) {
            throw new AssertionError("expected a message, got " + o);
        }
        return (T) o;
    }
}
