package org.tinykv.multiraft.peer;

import java.util.Arrays;
import org.tinykv.lsm.Cf;

/**
 * The key layout of the raft engine and of the kv engine's meta and data keys. See docs/formats/raft-log.md.
 *
 * <pre>
 *  raft engine, CF raft:
 *    0x01 0x02 region_id(8, BE) 0x01 index(8, BE)   raft log entry       -> eraftpb.Entry
 *    0x01 0x02 region_id(8, BE) 0x02                RaftLocalState       -> raft_serverpb.RaftLocalState
 *    0x01 0x04 region_id(8, BE)                     snapshot being applied -> eraftpb.Snapshot
 *  kv engine, CF raft (meta):
 *    0x01 0x01                                      StoreIdent           -> raft_serverpb.StoreIdent
 *    0x01 0x02 region_id(8, BE) 0x03                RaftApplyState       -> raft_serverpb.RaftApplyState
 *    0x01 0x03 region_id(8, BE) 0x01                RegionLocalState     -> raft_serverpb.RegionLocalState
 *  kv engine, CF default / lock / write (data):
 *    'z' key                                        the user's value
 * </pre>
 *
 * <p>Thread-safety: stateless.
 */
public final class Keys {
    /** First byte of every meta key (sorts before {@link #DATA_PREFIX}). */
    public static final byte LOCAL_PREFIX = 0x01;
    /** First byte of every data key. */
    public static final byte DATA_PREFIX = 'z';
    /** The column family holding meta keys in both engines. */
    public static final Cf META_CF = Cf.RAFT;

    static final byte STORE_IDENT = 0x01;
    static final byte REGION_RAFT_PREFIX = 0x02;
    static final byte REGION_META_PREFIX = 0x03;
    static final byte SNAPSHOT_APPLY_PREFIX = 0x04;
    static final byte PREPARE_BOOTSTRAP = 0x05;
    static final byte RAFT_LOG_SUFFIX = 0x01;
    static final byte RAFT_STATE_SUFFIX = 0x02;
    static final byte APPLY_STATE_SUFFIX = 0x03;
    static final byte REGION_STATE_SUFFIX = 0x01;

    private static final int REGION_PREFIX_LEN = 2 + 8;

    private Keys() {
    }

    /** The store identity key. */
    public static byte[] storeIdentKey() {
        return new byte[] {LOCAL_PREFIX, STORE_IDENT};
    }

    /** The key of the first region a store prepared but has not yet seen accepted by the scheduler. */
    public static byte[] prepareBootstrapKey() {
        return new byte[] {LOCAL_PREFIX, PREPARE_BOOTSTRAP};
    }

    /** The key of raft log entry {@code index} of {@code regionId}. */
    public static byte[] raftLogKey(final long regionId, final long index) {
        final byte[] k = new byte[REGION_PREFIX_LEN + 1 + 8];
        regionPrefix(k, REGION_RAFT_PREFIX, regionId);
        k[REGION_PREFIX_LEN] = RAFT_LOG_SUFFIX;
        putLong(k, REGION_PREFIX_LEN + 1, index);
        return k;
    }

    /** The index encoded in a raft log key. Requires: {@code key} came from {@link #raftLogKey}. */
    public static long raftLogIndex(final byte[] key) {
        if (key.length != REGION_PREFIX_LEN + 9 || key[REGION_PREFIX_LEN] != RAFT_LOG_SUFFIX) {
            throw new IllegalArgumentException("not a raft log key: " + Arrays.toString(key));
        }
        return getLong(key, REGION_PREFIX_LEN + 1);
    }

    /** The RaftLocalState key of {@code regionId} (raft engine). */
    public static byte[] raftStateKey(final long regionId) {
        return suffixed(REGION_RAFT_PREFIX, regionId, RAFT_STATE_SUFFIX);
    }

    /** The RaftApplyState key of {@code regionId} (kv engine). */
    public static byte[] applyStateKey(final long regionId) {
        return suffixed(REGION_RAFT_PREFIX, regionId, APPLY_STATE_SUFFIX);
    }

    /** The RegionLocalState key of {@code regionId} (kv engine). */
    public static byte[] regionStateKey(final long regionId) {
        return suffixed(REGION_META_PREFIX, regionId, REGION_STATE_SUFFIX);
    }

    /** The key marking a snapshot of {@code regionId} whose data may not be in the kv engine yet (raft engine). */
    public static byte[] snapshotApplyKey(final long regionId) {
        final byte[] k = new byte[REGION_PREFIX_LEN];
        regionPrefix(k, SNAPSHOT_APPLY_PREFIX, regionId);
        return k;
    }

    /** Lower bound (inclusive) of all snapshot-apply markers. */
    public static byte[] snapshotApplyMinKey() {
        return new byte[] {LOCAL_PREFIX, SNAPSHOT_APPLY_PREFIX};
    }

    /** Upper bound (exclusive) of all snapshot-apply markers. */
    public static byte[] snapshotApplyMaxKey() {
        return new byte[] {LOCAL_PREFIX, SNAPSHOT_APPLY_PREFIX + 1};
    }

    /** Lower bound (inclusive) of region {@code regionId}'s raft log keys. */
    public static byte[] raftLogMinKey(final long regionId) {
        return raftLogKey(regionId, 0);
    }

    /** Upper bound (exclusive) of region {@code regionId}'s raft log keys. */
    public static byte[] raftLogMaxKey(final long regionId) {
        final byte[] k = suffixed(REGION_RAFT_PREFIX, regionId, (byte) (RAFT_LOG_SUFFIX + 1));
        return k;
    }

    /** Lower bound (inclusive) of all RegionLocalState keys. */
    public static byte[] regionMetaMinKey() {
        return new byte[] {LOCAL_PREFIX, REGION_META_PREFIX};
    }

    /** Upper bound (exclusive) of all RegionLocalState keys. */
    public static byte[] regionMetaMaxKey() {
        return new byte[] {LOCAL_PREFIX, REGION_META_PREFIX + 1};
    }

    /** The region id of a snapshot-apply marker key. */
    public static long regionIdOfSnapshotApplyKey(final byte[] key) {
        if (key.length != REGION_PREFIX_LEN || key[0] != LOCAL_PREFIX || key[1] != SNAPSHOT_APPLY_PREFIX) {
            throw new IllegalArgumentException("not a snapshot apply key: " + Arrays.toString(key));
        }
        return getLong(key, 2);
    }

    /** The region id of a RegionLocalState key. */
    public static long regionIdOfMetaKey(final byte[] key) {
        if (key.length != REGION_PREFIX_LEN + 1 || key[0] != LOCAL_PREFIX || key[1] != REGION_META_PREFIX) {
            throw new IllegalArgumentException("not a region meta key: " + Arrays.toString(key));
        }
        return getLong(key, 2);
    }

    /** {@code 'z' + key}: the kv engine key of a user key. */
    public static byte[] dataKey(final byte[] key) {
        final byte[] k = new byte[key.length + 1];
        k[0] = DATA_PREFIX;
        System.arraycopy(key, 0, k, 1, key.length);
        return k;
    }

    /** The data key of a region's end bound: {@code 'z' + end}, or the first key after all data if empty. */
    public static byte[] dataEndKey(final byte[] end) {
        return end.length == 0 ? new byte[] {DATA_PREFIX + 1} : dataKey(end);
    }

    /** Strips the {@code 'z'} prefix. Requires: {@code dataKey} starts with it. */
    public static byte[] originKey(final byte[] dataKey) {
        if (dataKey.length == 0 || dataKey[0] != DATA_PREFIX) {
            throw new IllegalArgumentException("not a data key: " + Arrays.toString(dataKey));
        }
        return Arrays.copyOfRange(dataKey, 1, dataKey.length);
    }

    private static byte[] suffixed(final byte prefix, final long regionId, final byte suffix) {
        final byte[] k = new byte[REGION_PREFIX_LEN + 1];
        regionPrefix(k, prefix, regionId);
        k[REGION_PREFIX_LEN] = suffix;
        return k;
    }

    private static void regionPrefix(final byte[] k, final byte prefix, final long regionId) {
        k[0] = LOCAL_PREFIX;
        k[1] = prefix;
        putLong(k, 2, regionId);
    }

    private static void putLong(final byte[] b, final int off, final long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static long getLong(final byte[] b, final int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xffL);
        }
        return v;
    }
}
