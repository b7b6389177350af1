package org.tinykv.multiraft.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A Wing–Gong–Lowe style linearizability checker for one key seen as a register with put, delete and get.
 * Operations whose outcome is unknown (timed out) may take effect at any point after their invocation, or never.
 * Before the search, unknown gets are dropped (they constrain nothing), and so are unknown puts whose value no get
 * returned: if such a put took effect, no read saw it before the next write, so the history without it has a
 * linearization exactly when the history with it does. Put values must be unique per key.
 */
final class RegisterChecker {

    /** Operation kinds. */
    enum Kind { PUT, DELETE, GET }

    /**
     * One operation.
     *
     * @param kind   what it does
     * @param value  the value written (PUT) or read (GET; null = absent)
     * @param call   logical time of the invocation
     * @param ret    logical time of the response, or Long.MAX_VALUE if the outcome is unknown
     */
    record Op(Kind kind, String value, long call, long ret) {
        boolean unknown() {
            return ret == Long.MAX_VALUE;
        }

        @Override
        public String toString() {
            return kind + (kind == Kind.DELETE ? "" : "(" + value + ")") + "[" + call + ","
                    + (unknown() ? "?" : ret) + "]";
        }
    }

    private final List<Op> ops;
    /** States already searched from: the done set's words and the register value. */
    private final Set<Visited> seen = new HashSet<>();
    private long budget = 2_000_000;

    private RegisterChecker(final List<Op> ops) {
        this.ops = ops;
    }

    /** True if the history has a linearization; throws IllegalStateException if the search is too large. */
    static boolean linearizable(final List<Op> history) {
        final Set<String> read = new HashSet<>();
        for (final Op o : history) {
            if (o.kind() == Kind.GET && !o.unknown() && o.value() != null) {
                read.add(o.value());
            }
        }
        final List<Op> ops = new ArrayList<>();
        for (final Op o : history) {
            final boolean unseenUnknownWrite = o.unknown() && o.kind() == Kind.PUT && !read.contains(o.value());
            if (!(o.unknown() && o.kind() == Kind.GET) && !unseenUnknownWrite) {
                ops.add(o);
            }
        }
        return new RegisterChecker(ops).search(new BitSet(ops.size()), null);
    }

    private record Visited(long[] done, String state) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof Visited v && Arrays.equals(done, v.done) && Objects.equals(state, v.state);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(done) * 31 + Objects.hashCode(state);
        }
    }

    private boolean search(final BitSet done, final String state) {
        if (--budget < 0) {
            throw new IllegalStateException("linearizability search too large");
        }
        boolean allKnownDone = true;
        long minRet = Long.MAX_VALUE;
        for (int i = 0; i < ops.size(); i++) {
            if (!done.get(i)) {
                final Op o = ops.get(i);
                if (!o.unknown()) {
                    allKnownDone = false;
                }
                minRet = Math.min(minRet, o.ret());
            }
        }
        if (allKnownDone) {
            return true;
        }
        if (!seen.add(new Visited(done.toLongArray(), state))) {
            return false;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (done.get(i)) {
                continue;
            }
            final Op o = ops.get(i);
            if (o.call() > minRet) {
                continue;
            }
            final String next;
            if (o.kind() == Kind.GET) {
                if (!Objects.equals(o.value(), state)) {
                    continue;
                }
                next = state;
            } else {
                next = o.kind() == Kind.PUT ? o.value() : null;
            }
            done.set(i);
            if (search(done, next)) {
                return true;
            }
            done.clear(i);
        }
        return false;
    }
}
