package org.tinykv.lsm;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.tinykv.lsm.compaction.CompactionFilter;
import org.tinykv.lsm.sstable.Compression;
import org.tinykv.lsm.sstable.TableOptions;
import org.tinykv.wal.SyncPolicy;
import org.tinykv.wal.fs.FileSystem;

/**
 * Options of a {@link Db}, built with {@link #builder(FileSystem, Path)} and validated once by {@link Builder#build()}.
 *
 * <p>Memory: the engine holds at most about {@code (1 + maxImmutableMemtables) * memtableBytes} per column family of
 * memtables (writes stall beyond), plus {@code blockCacheBytes}, plus per open table its index and bloom filter
 * (about 1.3 bytes per key at 10 bits per key). With the defaults (64 MiB memtables, 2 immutable, 3 column families,
 * 64 MiB block cache) plan for about 700 MiB in the worst case, well under {@code -Xmx1g} for a 2 GB data set.
 *
 * <p>Thread-safety: immutable, safe.
 */
public final class DbOptions {

    private final Builder b;

    /** Keeps a private copy of {@code b}: later changes to the builder do not reach built options. */
    private DbOptions(final Builder b) {
        this.b = b.copy();
    }

    /** Starts options for a Db in {@code dir} on {@code fs}. */
    public static Builder builder(final FileSystem fs, final Path dir) {
        return new Builder(fs, dir);
    }

    /** The file system. */
    public FileSystem fs() {
        return b.fs;
    }

    /** The Db directory. */
    public Path dir() {
        return b.dir;
    }

    /** The column families. */
    public Set<Cf> columnFamilies() {
        return EnumSet.copyOf(b.columnFamilies);
    }

    /** Whether to create a missing Db. */
    public boolean createIfMissing() {
        return b.createIfMissing;
    }

    /** Memtable size that triggers a switch (per column family). */
    public long memtableBytes() {
        return b.memtableBytes;
    }

    /** Immutable memtable generations allowed before writes stall. */
    public int maxImmutableMemtables() {
        return b.maxImmutableMemtables;
    }

    /** Block cache capacity. */
    public long blockCacheBytes() {
        return b.blockCacheBytes;
    }

    /** Table options for {@code cf} at {@code level}. */
    public TableOptions tableOptions(final Cf cf, final int level) {
        final Compression[] perLevel = b.compression.get(cf);
        final Compression c = perLevel == null || perLevel.length == 0 ? b.defaultCompression
            : perLevel[Math.min(level, perLevel.length - 1)];
        return new TableOptions(b.blockSize, b.restartInterval, b.bloomBitsPerKey, c);
    }

    /** The compaction filter factory of {@code cf}, or null. */
    public CompactionFilter.Factory compactionFilter(final Cf cf) {
        return b.filters.get(cf);
    }

    /** L0 file count that triggers a compaction. */
    public int l0CompactionTrigger() {
        return b.l0CompactionTrigger;
    }

    /** L0 file count at which each write is delayed. */
    public int l0SlowdownTrigger() {
        return b.l0SlowdownTrigger;
    }

    /** L0 file count at which writes wait. */
    public int l0StopTrigger() {
        return b.l0StopTrigger;
    }

    /** Target size of level 1; each deeper level is {@code levelMultiplier} times larger. */
    public long maxBytesForLevelBase() {
        return b.maxBytesForLevelBase;
    }

    /** Size ratio between adjacent levels. */
    public int levelMultiplier() {
        return b.levelMultiplier;
    }

    /** Target size of compaction output files. */
    public long targetFileBytes() {
        return b.targetFileBytes;
    }

    /** Maximum open table files. */
    public int maxOpenFiles() {
        return b.maxOpenFiles;
    }

    /** Whether background compactions are disabled (manual {@code compactRange} still works). */
    public boolean disableAutoCompactions() {
        return b.disableAutoCompactions;
    }

    /**
     * WAL sync policy: {@link SyncPolicy#EVERY_WRITE} (default) fsyncs the writes that ask for it
     * ({@link WriteOptions#sync()}) before they return; {@link SyncPolicy#NEVER} never fsyncs the WAL (synced
     * writes only reach the operating system). {@link SyncPolicy#INTERVAL} does not fsync in the write call:
     * a background task fsyncs the WAL every {@link #syncIntervalMillis()} when it holds unsynced bytes, so after
     * a machine crash at most about that much time of acknowledged writes (synced or not) is lost; the recovered
     * state is still a prefix of the writes. Memtable switches, flushes and close always sync the WAL.
     */
    public SyncPolicy syncPolicy() {
        return b.syncPolicy;
    }

    /** Period of the WAL sync under {@link SyncPolicy#INTERVAL}, in milliseconds. */
    public long syncIntervalMillis() {
        return b.syncIntervalMillis;
    }

    /** The monotonic nanosecond clock of the INTERVAL sync policy. */
    public java.util.function.LongSupplier nanoClock() {
        return b.nanoClock;
    }

    /** Seed of the memtables' skip-list heights. */
    public long randomSeed() {
        return b.randomSeed;
    }

    /** Builder; confined to one thread. */
    public static final class Builder {
        private final FileSystem fs;
        private final Path dir;
        private Set<Cf> columnFamilies = EnumSet.of(Cf.DEFAULT, Cf.LOCK, Cf.WRITE);
        private boolean createIfMissing = true;
        private long memtableBytes = 64L << 20;
        private int maxImmutableMemtables = 2;
        private long blockCacheBytes = 64L << 20;
        private int blockSize = 4096;
        private int restartInterval = 16;
        private int bloomBitsPerKey = 10;
        private Compression defaultCompression = Compression.LZ4;
        private final Map<Cf, Compression[]> compression = new EnumMap<>(Cf.class);
        private final Map<Cf, CompactionFilter.Factory> filters = new EnumMap<>(Cf.class);
        private int l0CompactionTrigger = 4;
        private int l0SlowdownTrigger = 20;
        private int l0StopTrigger = 36;
        private long maxBytesForLevelBase = 256L << 20;
        private int levelMultiplier = 10;
        private long targetFileBytes = 64L << 20;
        private int maxOpenFiles = 1000;
        private boolean disableAutoCompactions;
        private long randomSeed = 0x5eedL;
        private SyncPolicy syncPolicy = SyncPolicy.EVERY_WRITE;
        private long syncIntervalMillis = 100;
        private java.util.function.LongSupplier nanoClock = System::nanoTime;

        private Builder(final FileSystem fs, final Path dir) {
            this.fs = Objects.requireNonNull(fs, "fs");
            this.dir = Objects.requireNonNull(dir, "dir");
        }

        private Builder copy() {
            final Builder c = new Builder(fs, dir);
            c.columnFamilies = EnumSet.copyOf(columnFamilies);
            c.createIfMissing = createIfMissing;
            c.memtableBytes = memtableBytes;
            c.maxImmutableMemtables = maxImmutableMemtables;
            c.blockCacheBytes = blockCacheBytes;
            c.blockSize = blockSize;
            c.restartInterval = restartInterval;
            c.bloomBitsPerKey = bloomBitsPerKey;
            c.defaultCompression = defaultCompression;
            compression.forEach((cf, perLevel) -> c.compression.put(cf, perLevel.clone()));
            c.filters.putAll(filters);
            c.l0CompactionTrigger = l0CompactionTrigger;
            c.l0SlowdownTrigger = l0SlowdownTrigger;
            c.l0StopTrigger = l0StopTrigger;
            c.maxBytesForLevelBase = maxBytesForLevelBase;
            c.levelMultiplier = levelMultiplier;
            c.targetFileBytes = targetFileBytes;
            c.maxOpenFiles = maxOpenFiles;
            c.disableAutoCompactions = disableAutoCompactions;
            c.randomSeed = randomSeed;
            c.syncPolicy = syncPolicy;
            c.syncIntervalMillis = syncIntervalMillis;
            c.nanoClock = nanoClock;
            return c;
        }

        /** Column families (default DEFAULT, LOCK, WRITE). */
        public Builder columnFamilies(final Set<Cf> cfs) {
            this.columnFamilies = EnumSet.copyOf(cfs);
            return this;
        }

        /** Create the Db if missing (default true). */
        public Builder createIfMissing(final boolean v) {
            this.createIfMissing = v;
            return this;
        }

        /** Memtable switch size per column family (default 64 MiB). */
        public Builder memtableBytes(final long v) {
            this.memtableBytes = v;
            return this;
        }

        /** Immutable memtables allowed before writes stall (default 2). */
        public Builder maxImmutableMemtables(final int v) {
            this.maxImmutableMemtables = v;
            return this;
        }

        /** Block cache capacity (default 64 MiB). */
        public Builder blockCacheBytes(final long v) {
            this.blockCacheBytes = v;
            return this;
        }

        /** Data block size (default 4 KiB). */
        public Builder blockSize(final int v) {
            this.blockSize = v;
            return this;
        }

        /** Bloom filter bits per key (default 10; 0 disables). */
        public Builder bloomBitsPerKey(final int v) {
            this.bloomBitsPerKey = v;
            return this;
        }

        /** Compression of every column family and level without a specific setting (default LZ4). */
        public Builder compression(final Compression c) {
            this.defaultCompression = Objects.requireNonNull(c);
            return this;
        }

        /** Compression of {@code cf} per level; the last entry applies to deeper levels too. */
        public Builder compression(final Cf cf, final Compression... perLevel) {
            this.compression.put(cf, perLevel.clone());
            return this;
        }

        /** Installs a compaction filter for {@code cf}. */
        public Builder compactionFilter(final Cf cf, final CompactionFilter.Factory factory) {
            this.filters.put(cf, factory);
            return this;
        }

        /** L0 compaction trigger, slowdown and stop thresholds (default 4, 20, 36). */
        public Builder l0Triggers(final int compaction, final int slowdown, final int stop) {
            this.l0CompactionTrigger = compaction;
            this.l0SlowdownTrigger = slowdown;
            this.l0StopTrigger = stop;
            return this;
        }

        /** Level 1 target size (default 256 MiB). */
        public Builder maxBytesForLevelBase(final long v) {
            this.maxBytesForLevelBase = v;
            return this;
        }

        /** Level size multiplier (default 10). */
        public Builder levelMultiplier(final int v) {
            this.levelMultiplier = v;
            return this;
        }

        /** Compaction output file size (default 64 MiB). */
        public Builder targetFileBytes(final long v) {
            this.targetFileBytes = v;
            return this;
        }

        /** Maximum open table files (default 1000). */
        public Builder maxOpenFiles(final int v) {
            this.maxOpenFiles = v;
            return this;
        }

        /** Disables background compactions. */
        public Builder disableAutoCompactions(final boolean v) {
            this.disableAutoCompactions = v;
            return this;
        }

        /** WAL sync policy (default EVERY_WRITE); see {@link DbOptions#syncPolicy()}. */
        public Builder syncPolicy(final SyncPolicy policy) {
            this.syncPolicy = Objects.requireNonNull(policy);
            return this;
        }

        /**
         * Selects {@link SyncPolicy#INTERVAL} with a period of {@code millis} (default 100 ms when INTERVAL is set
         * through {@link #syncPolicy}); see {@link DbOptions#syncPolicy()}.
         */
        public Builder syncInterval(final long millis) {
            this.syncPolicy = SyncPolicy.INTERVAL;
            this.syncIntervalMillis = millis;
            return this;
        }

        /** Monotonic nanosecond clock for the INTERVAL sync policy (default System::nanoTime; tests inject one). */
        public Builder nanoClock(final java.util.function.LongSupplier clock) {
            this.nanoClock = Objects.requireNonNull(clock);
            return this;
        }

        /** Seed of skip-list heights (tests use it for reproducibility). */
        public Builder randomSeed(final long seed) {
            this.randomSeed = seed;
            return this;
        }

        /** Validates and builds; throws IllegalArgumentException naming the bad option. */
        public DbOptions build() {
            check(!columnFamilies.isEmpty(), "columnFamilies must not be empty");
            check(memtableBytes >= (64 << 10) && memtableBytes <= (1L << 31), "memtableBytes in [64 KiB, 2 GiB]");
            check(maxImmutableMemtables >= 1 && maxImmutableMemtables <= 16, "maxImmutableMemtables in [1, 16]");
            check(blockCacheBytes >= 0, "blockCacheBytes >= 0");
            check(l0CompactionTrigger >= 1 && l0SlowdownTrigger >= l0CompactionTrigger
                && l0StopTrigger >= l0SlowdownTrigger, "l0 triggers must satisfy 1 <= compaction <= slowdown <= stop");
            check(maxBytesForLevelBase >= (1 << 20), "maxBytesForLevelBase >= 1 MiB");
            check(levelMultiplier >= 2 && levelMultiplier <= 100, "levelMultiplier in [2, 100]");
            check(targetFileBytes >= (64 << 10), "targetFileBytes >= 64 KiB");
            check(maxOpenFiles >= 16, "maxOpenFiles >= 16");
            check(syncPolicy != SyncPolicy.INTERVAL || syncIntervalMillis > 0 && syncIntervalMillis <= 60_000,
                "syncIntervalMillis in [1, 60000] for INTERVAL");
            new TableOptions(blockSize, restartInterval, bloomBitsPerKey, defaultCompression).validate();
            return new DbOptions(this);
        }

        private static void check(final boolean ok, final String what) {
            if (!ok) {
                throw new IllegalArgumentException("bad DbOptions: " + what);
            }
        }
    }
}
