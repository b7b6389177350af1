package org.tinykv.multiraft.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.multiraft.cluster.RegisterChecker.Kind;
import org.tinykv.multiraft.cluster.RegisterChecker.Op;

class RegisterCheckerTest {
    private static final long U = Long.MAX_VALUE;

    @Test
    void acceptsLinearizableHistories() {
        assertTrue(RegisterChecker.linearizable(List.of(
                new Op(Kind.PUT, "1", 0, 10), new Op(Kind.GET, "1", 11, 12), new Op(Kind.DELETE, null, 13, 14),
                new Op(Kind.GET, null, 15, 16))));
        // concurrent put and get may see either value
        assertTrue(RegisterChecker.linearizable(List.of(
                new Op(Kind.PUT, "1", 0, 10), new Op(Kind.PUT, "2", 5, 20), new Op(Kind.GET, "1", 12, 13),
                new Op(Kind.GET, "2", 21, 22))));
        // an unknown write may take effect late, or never
        assertTrue(RegisterChecker.linearizable(List.of(
                new Op(Kind.PUT, "1", 0, U), new Op(Kind.GET, null, 5, 6), new Op(Kind.GET, "1", 30, 31))));
        assertTrue(RegisterChecker.linearizable(List.of(
                new Op(Kind.PUT, "1", 0, U), new Op(Kind.GET, null, 5, 6), new Op(Kind.GET, null, 30, 31))));
    }

    @Test
    void unknownWritesThatNoReadSawConstrainNothing() {
        assertTrue(RegisterChecker.linearizable(List.of(
                new Op(Kind.PUT, "1", 0, 10), new Op(Kind.PUT, "x", 5, U), new Op(Kind.GET, "1", 20, 21))));
        assertFalse(RegisterChecker.linearizable(List.of(
                new Op(Kind.PUT, "1", 0, 5), new Op(Kind.PUT, "x", 1, U), new Op(Kind.GET, null, 6, 7))),
                "dropping the unseen write does not hide a lost acknowledged one");
        // many clients timing out at once: 60 writes of unknown outcome, all pending through 200 sequential ops
        final List<Op> h = new java.util.ArrayList<>();
        for (int i = 0; i < 60; i++) {
            h.add(new Op(Kind.PUT, "lost" + i, i, U));
        }
        for (int i = 0; i < 100; i++) {
            h.add(new Op(Kind.PUT, "v" + i, 100 + 4 * i, 101 + 4 * i));
            h.add(new Op(Kind.GET, "v" + i, 102 + 4 * i, 103 + 4 * i));
        }
        assertTrue(RegisterChecker.linearizable(h));
    }

    @Test
    void rejectsStaleAndInventedReads() {
        // a read after an acknowledged write returns the old value
        assertFalse(RegisterChecker.linearizable(List.of(
                new Op(Kind.PUT, "1", 0, 10), new Op(Kind.PUT, "2", 11, 20), new Op(Kind.GET, "1", 21, 22))));
        // a value nobody wrote
        assertFalse(RegisterChecker.linearizable(List.of(new Op(Kind.GET, "x", 0, 1))));
        // reads going back in time
        assertFalse(RegisterChecker.linearizable(List.of(
                new Op(Kind.PUT, "1", 0, 100), new Op(Kind.GET, "1", 10, 11), new Op(Kind.GET, null, 12, 13))));
        // a lost acknowledged write
        assertFalse(RegisterChecker.linearizable(List.of(
                new Op(Kind.PUT, "1", 0, 5), new Op(Kind.GET, null, 6, 7))));
    }
}
