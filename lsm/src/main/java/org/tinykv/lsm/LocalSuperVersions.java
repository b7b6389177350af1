package org.tinykv.lsm;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Per-thread cached {@link SuperVersion}s, RocksDB's thread-local super version: a point read takes the super version
 * its thread cached (which holds a reference for the thread) instead of incrementing and decrementing the shared
 * reference count, so concurrent readers touch no shared cache line that anyone writes.
 *
 * <p>Protocol. Each thread owns a slot holding either nothing, its cached super version (one reference owned by the
 * slot) or {@link #IN_USE}. {@link #acquire} swaps {@link #IN_USE} in (an atomic exchange on the thread's own slot)
 * and uses the super version it took out if that is still the Db's current one; otherwise it drops that reference
 * and references the current one. {@link #release} puts the super version back with a compare-and-set from
 * {@link #IN_USE}. When the Db installs a new super version it {@link #scrape}s every slot: whatever a slot caches
 * is taken out and unreferenced; a slot in use is emptied instead, so its owner's compare-and-set fails and the
 * owner drops its reference itself. Either way every reference is dropped exactly once, and a super version that is
 * no longer current is held only as long as a read that started on it runs.
 *
 * <p>Slots of threads that died are unregistered at the next scrape; until then they hold at most the current super
 * version, which the Db holds anyway.
 *
 * <p>Thread-safety: safe.
 */
final class LocalSuperVersions {

    /** The marker of a slot whose owner is reading with the super version it took out. */
    private static final Object IN_USE = new Object();

    /** One thread's slot. */
    private static final class Slot {
        final AtomicReference<Object> state = new AtomicReference<>();
        final WeakReference<Thread> owner = new WeakReference<>(Thread.currentThread());
    }

    private final List<Slot> slots = new ArrayList<>();
    private final ThreadLocal<Slot> local = ThreadLocal.withInitial(this::register);

    private Slot register() {
        final Slot s = new Slot();
        synchronized (slots) {
            slots.add(s);
        }
        return s;
    }

    /**
     * Returns {@code now} (the Db's current super version, read after the caller read its sequence number) if the
     * thread cached it, else a reference from {@code refCurrent} (which references the Db's current super version,
     * or throws if the Db is closed); the result is held for the calling thread until {@link #release}.
     */
    SuperVersion acquire(final SuperVersion now, final RefSource refCurrent) throws java.io.IOException {
        final Slot s = local.get();
        final Object cached = s.state.getAndSet(IN_USE);
        if (cached == now && now != null) {
            return now;
        }
        if (cached instanceof SuperVersion stale) {
            stale.unref();
        }
        try {
            return refCurrent.ref();
        } catch (final java.io.IOException | RuntimeException e) {
            s.state.compareAndSet(IN_USE, null);
            throw e;
        }
    }

    /** Ends a read begun by {@link #acquire} on the calling thread: caches {@code sv}, or unreferences it. */
    void release(final SuperVersion sv) {
        if (!local.get().state.compareAndSet(IN_USE, sv)) {
            sv.unref();
        }
    }

    /**
     * Empties every slot after the Db installed a new super version (or at close), unreferencing what they cached,
     * and unregisters the slots of dead threads.
     */
    void scrape() {
        synchronized (slots) {
            final Iterator<Slot> it = slots.iterator();
            while (it.hasNext()) {
                final Slot s = it.next();
                final Object o = s.state.getAndSet(null);
                if (o instanceof SuperVersion sv) {
                    sv.unref();
                }
                final Thread t = s.owner.get();
                if (t == null || !t.isAlive()) {
                    it.remove();
                }
            }
        }
    }

    /** Number of registered slots (for tests). */
    int slotCount() {
        synchronized (slots) {
            return slots.size();
        }
    }

    /** Takes a reference on the Db's current super version. */
    interface RefSource {
        SuperVersion ref() throws java.io.IOException;
    }
}
