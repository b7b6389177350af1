package org.tinykv.scheduler.meta;

import java.nio.charset.StandardCharsets;

import org.tinykv.wal.CorruptionException;

/**
 * The key layout of the scheduler's metadata and the encoding of its scalar values.
 * See docs/formats/scheduler-meta.md.
 *
 * <p>Keys are ASCII prefixes, followed for per-object keys by the object's id as 8 bytes big-endian, so that a
 * prefix scan returns objects in id order. Scalar values are 8-byte big-endian unsigned integers. Stateless.
 */
public final class MetaKeys {

    /** The cluster id, a u64 generated at the first start. */
    public static final byte[] CLUSTER_ID = ascii("cluster/id");
    /** The metapb.Cluster of a bootstrapped cluster; present iff the cluster is bootstrapped. */
    public static final byte[] CLUSTER_META = ascii("cluster/meta");
    /** Prefix of metapb.Store entries, keyed by store id. */
    public static final byte[] STORE_PREFIX = ascii("store/");
    /** Prefix of metapb.Region entries, keyed by region id. */
    public static final byte[] REGION_PREFIX = ascii("region/");
    /** The GC safe point, a u64. */
    public static final byte[] GC_SAFE_POINT = ascii("gc/safe_point");
    /** The persisted upper bound of TSO physical time in milliseconds, a u64. */
    public static final byte[] TSO_LIMIT = ascii("tso/limit");
    /** The persisted upper bound of allocated ids, a u64. */
    public static final byte[] ID_END = ascii("id/end");

    private MetaKeys() {
    }

    /** Returns the key of store {@code id}. */
    public static byte[] storeKey(long id) {
        return withId(STORE_PREFIX, id);
    }

    /** Returns the key of region {@code id}. */
    public static byte[] regionKey(long id) {
        return withId(REGION_PREFIX, id);
    }

    /** Returns the id suffix of a key built by {@link #storeKey} or {@link #regionKey}. */
    public static long idOf(byte[] prefix, byte[] key) throws CorruptionException {
        if (key.length != prefix.length + 8 || !hasPrefix(key, prefix)) {
            throw new CorruptionException("meta", 0, "bad key " + describe(key) + " under prefix " + describe(prefix));
        }
        return readU64(key, prefix.length);
    }

    /** Encodes a u64 value as 8 bytes big-endian. */
    public static byte[] u64(long value) {
        byte[] b = new byte[8];
        writeU64(b, 0, value);
        return b;
    }

    /** Decodes an 8-byte big-endian value stored under {@code key}; fails with a CorruptionException otherwise. */
    public static long decodeU64(byte[] key, byte[] value) throws CorruptionException {
        if (value.length != 8) {
            throw new CorruptionException("meta", 0,
                    "value of " + describe(key) + " has " + value.length + " bytes, want 8");
        }
        return readU64(value, 0);
    }

    /** Returns whether {@code key} starts with {@code prefix}. */
    public static boolean hasPrefix(byte[] key, byte[] prefix) {
        if (key.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (key[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Returns a printable form of a key: ASCII kept, other bytes as \xNN. */
    public static String describe(byte[] key) {
        StringBuilder sb = new StringBuilder();
        for (byte b : key) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                sb.append((char) c);
            } else {
                sb.append(String.format("\\x%02x", c));
            }
        }
        return sb.toString();
    }

    private static byte[] withId(byte[] prefix, long id) {
        byte[] k = new byte[prefix.length + 8];
        System.arraycopy(prefix, 0, k, 0, prefix.length);
        writeU64(k, prefix.length, id);
        return k;
    }

    private static void writeU64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static long readU64(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
