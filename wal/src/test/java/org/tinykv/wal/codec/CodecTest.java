package org.tinykv.wal.codec;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CodecTest {

    @Test
    void crc32cKnownVectorsAndMasking() {
        final byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0xe3069283, Crc32c.compute(check, 0, check.length));
        assertEquals(0x8a9136aa, Crc32c.compute(new byte[32], 0, 32));
        assertEquals(Crc32c.compute(check, 0, 9), Crc32c.compute(ByteBuffer.wrap(check)));
        assertEquals(Crc32c.compute(check, 0, 9), Crc32c.compute(check[0], check, 1, 8));
        final SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 1000; i++) {
            final int crc = rnd.nextInt();
            assertEquals(crc, Crc32c.unmask(Crc32c.mask(crc)));
            assertNotEquals(crc, Crc32c.mask(crc));
        }
    }

    @Test
    void fixedIsLittleEndian() {
        final byte[] b = new byte[8];
        Fixed.putInt(b, 0, 0x04030201);
        assertEquals(1, b[0]);
        assertEquals(4, b[3]);
        Fixed.putLong(b, 0, 0x8877665544332211L);
        assertEquals(0x11, b[0]);
        assertEquals((byte) 0x88, b[7]);
        assertEquals(0x8877665544332211L, Fixed.getLong(b, 0));
        Fixed.putShort(b, 0, 0xfffe);
        assertEquals(0xfffe, Fixed.getShort(b, 0));
        assertEquals(0x44332211 & 0xffff0000 | 0xfffe, Fixed.getInt(b, 0));
    }

    @Test
    void varintsRoundTripAndRejectBadInput() throws IOException {
        final long[] values = {0, 1, 127, 128, 300, 16383, 16384, Integer.MAX_VALUE, 0xffffffffL, -1L, Long.MIN_VALUE};
        final byte[] buf = new byte[Varint.MAX_VARINT64_BYTES * values.length];
        int pos = 0;
        for (final long v : values) {
            final int next = Varint.put(buf, pos, v);
            assertEquals(Varint.size(v), next - pos, "size of " + v);
            pos = next;
        }
        final Varint.Cursor cursor = new Varint.Cursor(0);
        for (final long v : values) {
            assertEquals(v, Varint.get(buf, cursor, pos));
        }
        assertEquals(pos, cursor.position());
        assertThrows(IOException.class, () -> Varint.get(new byte[] {(byte) 0x80}, new Varint.Cursor(0), 1));
        final byte[] overlong = new byte[11];
        java.util.Arrays.fill(overlong, (byte) 0xff);
        assertThrows(IOException.class, () -> Varint.get(overlong, new Varint.Cursor(0), 11));
        final byte[] big = new byte[10];
        final int n = Varint.put(big, 0, 1L << 32);
        assertThrows(IOException.class, () -> Varint.getInt(big, new Varint.Cursor(0), n));
        assertEquals(300, Varint.getInt(new byte[] {(byte) 0xac, 0x02}, new Varint.Cursor(0), 2));
    }
}
