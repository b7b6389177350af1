package org.tinykv.tools.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.tinykv.lsm.key.InternalKey;
import org.tinykv.lsm.key.ValueKind;

final class KeyTextTest {

    @Test
    void describesUserKeySequenceAndKind() {
        assertEquals("6b \"k\" seq=5 PUT", KeyText.internal(InternalKey.encode(new byte[] {'k'}, 5, 1)));
        assertEquals("(empty) \"\" seq=0 DELETE", KeyText.internal(InternalKey.encode(new byte[0], 0, 0)));
        assertEquals("61 \"a\" seq=" + InternalKey.MAX_SEQ + " BOUND",
            KeyText.internal(InternalKey.encode(new byte[] {'a'}, InternalKey.MAX_SEQ, ValueKind.SEEK_CODE)));
        assertEquals("61 \"a\" seq=3 kind=9", KeyText.internal(InternalKey.encode(new byte[] {'a'}, 3, 9)));
    }

    @Test
    void malformedAndEmptyKeys() {
        assertEquals("(none)", KeyText.internal(new byte[0]));
        assertEquals("(malformed internal key 0102)", KeyText.internal(new byte[] {1, 2}));
    }
}
