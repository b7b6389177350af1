package org.tinykv.lsm;

import java.io.IOException;
import java.util.Arrays;
import org.tinykv.lsm.key.ValueKind;
import org.tinykv.wal.CorruptionException;
import org.tinykv.wal.codec.Fixed;
import org.tinykv.wal.codec.Varint;

/**
 * A set of updates applied atomically across column families, and its encoding, which is also the WAL record.
 * See docs/formats/write-batch.md.
 * <pre>
 * batch  := seq fixed64 | count fixed32 | entry*
 * entry  := kind u8 | cf u8 | varint keyLen | key [| varint valueLen | value]   (value for PUT and RANGE_DELETE)
 * </pre>
 *
 * <p>Thread-safety: not thread-safe.
 */
public final class WriteBatch {

    static final int HEADER = 12;
    private static final int CF_COUNT = Cf.values().length;

    private byte[] rep;
    private int size = HEADER;
    private int count;
    private int cfMask;

    /** Receives the entries of a decoded batch. */
    public interface Handler {
        /** A put. */
        void put(Cf cf, byte[] key, byte[] value);

        /** A point delete. */
        void delete(Cf cf, byte[] key);

        /** A range delete of {@code [begin, end)}. */
        void deleteRange(Cf cf, byte[] begin, byte[] end);
    }

    /** Creates an empty batch. */
    public WriteBatch() {
        this(64);
    }

    /** Creates an empty batch whose buffer starts with room for {@code bytes} bytes (header included). */
    WriteBatch(final int bytes) {
        rep = new byte[Math.max(HEADER, bytes)];
    }

    /** Encoded size of one entry at most, for sizing a batch. */
    static int maxEntryBytes(final int keyLength, final int valueLength) {
        return 2 + 5 + keyLength + 5 + valueLength;
    }

    /** Adds a put. */
    public WriteBatch put(final Cf cf, final byte[] key, final byte[] value) {
        append(ValueKind.PUT, cf, key, value);
        return this;
    }

    /** Adds a point delete. */
    public WriteBatch delete(final Cf cf, final byte[] key) {
        append(ValueKind.DELETE, cf, key, null);
        return this;
    }

    /** Adds a delete of every key in {@code [begin, endExclusive)}; an empty range is ignored. */
    public WriteBatch deleteRange(final Cf cf, final byte[] begin, final byte[] endExclusive) {
        if (Arrays.compareUnsigned(begin, endExclusive) < 0) {
            append(ValueKind.RANGE_DELETE, cf, begin, endExclusive);
        }
        return this;
    }

    private void append(final ValueKind kind, final Cf cf, final byte[] key, final byte[] value) {
        final int need = 2 + 5 + key.length + (value == null ? 0 : 5 + value.length);
        if (size + need > rep.length) {
            rep = Arrays.copyOf(rep, Math.max(size + need, rep.length * 2));
        }
        rep[size++] = (byte) kind.code();
        rep[size++] = (byte) cf.id();
        cfMask |= 1 << cf.id();
        size = Varint.put(rep, size, key.length);
        System.arraycopy(key, 0, rep, size, key.length);
        size += key.length;
        if (value != null) {
            size = Varint.put(rep, size, value.length);
            System.arraycopy(value, 0, rep, size, value.length);
            size += value.length;
        }
        count++;
    }

    /** Number of entries. */
    public int count() {
        return count;
    }

    /** Encoded size in bytes. */
    public long approximateBytes() {
        return size;
    }

    /** Removes every entry. */
    public void clear() {
        size = HEADER;
        count = 0;
        cfMask = 0;
    }

    /** Bit {@code 1 << cf.id()} is set for every column family written by the batch. */
    int cfMask() {
        return cfMask;
    }

    /** Whether there are no entries. */
    public boolean isEmpty() {
        return count == 0;
    }

    /** The encoding with {@code seq} as first sequence number (a fresh array). */
    byte[] encode(final long seq) {
        final byte[] out = Arrays.copyOf(rep, size);
        Fixed.putLong(out, 0, seq);
        Fixed.putInt(out, 8, count);
        return out;
    }

    /** The internal buffer (header not filled) and its size, for appending into a group record. */
    byte[] buffer() {
        return rep;
    }

    int size() {
        return size;
    }

    /** Receives decoded entries with their sequence numbers. */
    interface SeqHandler {
        void apply(long seq, ValueKind kind, int cfId, byte[] key, byte[] value) throws CorruptionException;
    }

    /** Receives decoded entries as ranges of the record (no copies). */
    interface RangeHandler {
        void apply(long seq, ValueKind kind, int cfId, byte[] rec, int keyOff, int keyLen, int valueOff,
                   int valueLen) throws CorruptionException;
    }

    /**
     * Decodes a batch record like {@link #decode(byte[], String, long, SeqHandler)} but hands out ranges of
     * {@code rec} instead of copies (a DELETE has an empty value range); returns the count.
     *
     * @throws CorruptionException naming {@code file} and {@code fileOffset} if the record is malformed
     */
    static int decodeRanges(final byte[] rec, final int recLen, final String file, final long fileOffset,
                            final RangeHandler h) throws CorruptionException {
        if (recLen < HEADER || recLen > rec.length) {
            throw new CorruptionException(file, fileOffset, "write batch shorter than its header");
        }
        final long seq = Fixed.getLong(rec, 0);
        final int n = Fixed.getInt(rec, 8);
        final Varint.Cursor c = new Varint.Cursor(HEADER);
        int i = 0;
        try {
            while (c.position() < recLen) {
                final ValueKind kind = ValueKind.fromCode(rec[c.position()] & 0xff);
                if (kind == null || c.position() + 2 > recLen) {
                    throw new IOException("bad entry kind");
                }
                final int cf = rec[c.position() + 1] & 0xff;
                if (cf >= CF_COUNT) {
                    throw new IOException("unknown column family " + cf);
                }
                c.skip(2);
                final int keyLen = rangeLength(rec, recLen, c);
                final int keyOff = c.position();
                c.skip(keyLen);
                int valueLen = 0;
                int valueOff = c.position();
                if (kind != ValueKind.DELETE) {
                    valueLen = rangeLength(rec, recLen, c);
                    valueOff = c.position();
                    c.skip(valueLen);
                }
                h.apply(seq + i, kind, cf, rec, keyOff, keyLen, valueOff, valueLen);
                i++;
            }
        } catch (final IOException e) {
            throw new CorruptionException(file, fileOffset, "bad write batch entry " + i + ": " + e.getMessage());
        }
        if (i != n) {
            throw new CorruptionException(file, fileOffset, "write batch count " + n + " but " + i + " entries");
        }
        return n;
    }

    private static int rangeLength(final byte[] rec, final int recLen, final Varint.Cursor c) throws IOException {
        final int len = Varint.getInt(rec, c, recLen);
        if (len < 0 || (long) c.position() + len > recLen) {
            throw new IOException("length overruns the record");
        }
        return len;
    }

    /**
     * Decodes a batch record, calling {@code h} for every entry with its sequence number; returns the count.
     *
     * @throws CorruptionException naming {@code file} and {@code fileOffset} if the record is malformed
     */
    static int decode(final byte[] rec, final String file, final long fileOffset, final SeqHandler h)
        throws CorruptionException {
        if (rec.length < HEADER) {
            throw new CorruptionException(file, fileOffset, "write batch shorter than its header");
        }
        final long seq = Fixed.getLong(rec, 0);
        final int n = Fixed.getInt(rec, 8);
        final Varint.Cursor c = new Varint.Cursor(HEADER);
        int i = 0;
        try {
            while (c.position() < rec.length) {
                final ValueKind kind = ValueKind.fromCode(rec[c.position()] & 0xff);
                if (kind == null || c.position() + 2 > rec.length) {
                    throw new IOException("bad entry kind");
                }
                final int cf = rec[c.position() + 1] & 0xff;
                if (cf >= CF_COUNT) {
                    throw new IOException("unknown column family " + cf);
                }
                c.skip(2);
                final byte[] key = bytes(rec, c);
                final byte[] value = kind == ValueKind.DELETE ? null : bytes(rec, c);
                h.apply(seq + i, kind, cf, key, value);
                i++;
            }
        } catch (final IOException e) {
            throw new CorruptionException(file, fileOffset, "bad write batch entry " + i + ": " + e.getMessage());
        }
        if (i != n) {
            throw new CorruptionException(file, fileOffset, "write batch count " + n + " but " + i + " entries");
        }
        return n;
    }

    private static byte[] bytes(final byte[] rec, final Varint.Cursor c) throws IOException {
        final int len = Varint.getInt(rec, c, rec.length);
        if (len < 0 || (long) c.position() + len > rec.length) {
            throw new IOException("length overruns the record");
        }
        final byte[] out = Arrays.copyOfRange(rec, c.position(), c.position() + len);
        c.skip(len);
        return out;
    }

    /**
     * Decodes a WAL record (for tools such as {@code wal-inspect}); returns its first sequence number.
     *
     * @throws CorruptionException if malformed
     */
    public static long decode(final byte[] record, final Handler handler) throws CorruptionException {
        decode(record, "<record>", 0, (seq, kind, cfId, key, value) -> {
            final Cf cf = Cf.fromId(cfId);
            switch (kind) {
                case PUT -> handler.put(cf, key, value);
                case DELETE -> handler.delete(cf, key);
                default -> handler.deleteRange(cf, key, value);
            }
        });
        return Fixed.getLong(record, 0);
    }
}
