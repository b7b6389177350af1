package org.tinykv.tools.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class BytesTest {

    @Test
    void hexIsLowercaseTwoDigitsAByte() {
        assertEquals("00ff7f0a", Bytes.hex(new byte[] {0, (byte) 0xff, 0x7f, 0x0a}));
        assertEquals("ff7f", Bytes.hex(new byte[] {0, (byte) 0xff, 0x7f, 0x0a}, 1, 2));
        assertEquals("", Bytes.hex(new byte[0]));
    }

    @Test
    void printableEscapesEverythingElse() {
        assertEquals("\"key-1\"", Bytes.printable("key-1".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("\"a\\x00\\xff\\x0a\\\"\\\\\"", Bytes.printable(new byte[] {'a', 0, (byte) 0xff, '\n', '"',
            '\\'}));
        assertEquals("\"\"", Bytes.printable(new byte[0]));
    }

    @Test
    void bothShowsHexThenPrintable() {
        assertEquals("6b31 \"k1\"", Bytes.both("k1".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("(empty) \"\"", Bytes.both(new byte[0]));
    }
}
