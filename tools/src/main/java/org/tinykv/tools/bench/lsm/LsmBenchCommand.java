package org.tinykv.tools.bench.lsm;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tinykv-bench lsm}: runs {@code db_bench} workloads against TinyKV's LSM engine and RocksDB (rocksdbjni)
 * with matched settings, the engines alternated per workload, and prints per workload and engine
 * {@code RESULT workload=W engine=E ops_per_sec=X p50_us=Y p99_us=Z ...} and, when both engines ran,
 * {@code RATIO workload=W tinykv/rocksdb=R} (ratio of ops/s). Lines starting with {@code #} are commentary.
 *
 * <p>Each engine is opened for a workload and closed after it, so one engine's background compactions never run
 * while the other is measured; open and close are not timed. Exit codes: 0 done, 1 an engine failed, 2 bad usage.
 */
@Command(name = "lsm",
    description = "db_bench workloads on TinyKV's LSM engine and on RocksDB (rocksdbjni), side by side, with matched "
        + "settings (WAL on, LZ4, 4 KiB blocks, 10 bits/key bloom, 64 MiB memtable, 64 MiB block cache).",
    footer = {"",
        "Workloads: fillseq, fillrandom (fresh DB, num puts), overwrite (num random puts), readrandom, readmissing "
            + "(num gets), readseq (untimed warm-up scans until their times are steady, then one timed scan), "
            + "seekrandom (num x new iterator + seek + 10 nexts), fillsync (fresh DB, num/100 synced puts), "
            + "readwhilewriting (threads readers + 1 writer). Scans copy each key and value into reused buffers "
            + "with the engine's no-allocation accessors.",
        "Output: RESULT workload=W engine=E ops_per_sec=X p50_us=Y p99_us=Z ... and RATIO workload=W "
            + "tinykv/rocksdb=R. Exit codes: 0 done, 1 an engine failed, 2 bad usage."})
public final class LsmBenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    private boolean help;

    @Option(names = "--engines", split = ",", defaultValue = "tinykv,rocksdb",
        description = "Engines to run, in order: tinykv, rocksdb (default: ${DEFAULT-VALUE}).")
    private List<String> engines;

    @Option(names = "--workloads", split = ",",
        defaultValue = "fillseq,fillrandom,overwrite,readrandom,readmissing,readseq,seekrandom,readwhilewriting,"
            + "fillsync",
        description = "Workloads to run, in order (default: ${DEFAULT-VALUE}).")
    private List<String> workloads;

    @Option(names = "--num", defaultValue = "1000000", description = "Keys / operations (default: ${DEFAULT-VALUE}).")
    private long num;

    @Option(names = "--value-size", defaultValue = "100", description = "Value bytes (default: ${DEFAULT-VALUE}).")
    private int valueSize;

    @Option(names = "--key-size", defaultValue = "16", description = "Key bytes (default: ${DEFAULT-VALUE}).")
    private int keySize;

    @Option(names = "--threads", defaultValue = "1",
        description = "Reader threads of readrandom, readmissing, seekrandom, readwhilewriting (default: 1).")
    private int threads;

    @Option(names = "--db", description = "Directory for the databases (default: a temporary one, removed after).")
    private Path db;

    @Option(names = "--seed", defaultValue = "301", description = "Seed of keys and values (default: 301).")
    private long seed;

    /** Runs the command standalone: {@code java ... LsmBenchCommand [options]}. */
    public static void main(final String[] args) {
        System.exit(new CommandLine(new LsmBenchCommand()).execute(args));
    }

    @Override
    public Integer call() {
        final Plan plan = validate();
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try {
            final BenchDirectory dir = BenchDirectory.prepare(db);
            try {
                run(plan, dir, out);
            } finally {
                dir.cleanUp();
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            out.flush();
            err.println("error: " + e.getMessage());
            if (e instanceof RuntimeException || e.getCause() != null) {
                e.printStackTrace(err);
            }
            err.flush();
            return 1;
        }
    }

    private void run(final Plan plan, final BenchDirectory dir, final PrintWriter out) throws IOException {
        final EngineSettings settings = EngineSettings.matched();
        final WorkloadRunner runner = new WorkloadRunner(num, plan.keys, valueSize, threads, seed);
        printHeader(out, settings, dir);
        final Map<EngineKind, Boolean> hasData = new EnumMap<>(EngineKind.class);
        for (int w = 0; w < plan.workloads.size(); w++) {
            final Workload workload = plan.workloads.get(w);
            final List<EngineKind> order = new ArrayList<>(plan.engines);
            if (w % 2 == 1) {
                Collections.reverse(order);
            }
            final Map<EngineKind, WorkloadResult> results = new EnumMap<>(EngineKind.class);
            for (EngineKind engine : order) {
                final boolean loaded = hasData.getOrDefault(engine, false);
                final WorkloadResult result = runOne(workload, engine, loaded, runner, settings, dir, out);
                hasData.put(engine, workload.leavesData());
                results.put(engine, result);
                out.println(result.resultLine());
                out.flush();
            }
            final WorkloadResult ours = results.get(EngineKind.TINYKV);
            final WorkloadResult theirs = results.get(EngineKind.ROCKSDB);
            if (ours != null && theirs != null) {
                out.println(ratioLine(workload, ours, theirs));
                out.flush();
            }
        }
    }

    /** Prepares {@code engine}'s database for {@code workload} (wipe, or untimed preload), opens, runs, closes. */
    private WorkloadResult runOne(final Workload workload, final EngineKind engine, final boolean loaded,
                                  final WorkloadRunner runner, final EngineSettings settings,
                                  final BenchDirectory dir, final PrintWriter out) throws IOException {
        if (workload.freshDb() || (workload.needsData() && !loaded)) {
            dir.wipe(engine);
        }
        if (workload.needsData() && !loaded) {
            out.printf(Locale.ROOT, "# %s: preloading %d keys in order for %s (untimed)%n",
                engine.label(), num, workload.label());
            out.flush();
            try (BenchEngine opened = engine.open(dir.engineDir(engine), settings)) {
                runner.preload(opened);
            }
        }
        final WorkloadResult result;
        final long gcBefore;
        final long gcAfter;
        try (BenchEngine opened = engine.open(dir.engineDir(engine), settings)) {
            gcBefore = gcMillis();
            result = runner.run(workload, opened);
            gcAfter = gcMillis();
            out.printf(Locale.ROOT, "# stats workload=%s engine=%s %s%n", workload.label(), engine.label(),
                opened.statsSummary());
        }
        return result.withEnvironment(dir.sizeOf(engine), gcAfter - gcBefore);
    }

    /** Total collection time of this JVM's garbage collectors so far, milliseconds. */
    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private void printHeader(final PrintWriter out, final EngineSettings settings, final BenchDirectory dir) {
        out.printf(Locale.ROOT, "# tinykv-bench lsm: num=%d key_size=%d value_size=%d threads=%d seed=%d db=%s%n",
            num, keySize, valueSize, threads, seed, dir.root());
        out.printf(Locale.ROOT, "# settings: WAL on, LZ4, block=%dB, bloom=%d bits/key, memtable=%dMiB, "
                + "block_cache=%dMiB; max_heap=%dMiB; engines alternate per workload, reopened per workload%n",
            settings.blockBytes(), settings.bloomBitsPerKey(), settings.memtableBytes() >> 20,
            settings.blockCacheBytes() >> 20, Runtime.getRuntime().maxMemory() >> 20);
        out.printf(Locale.ROOT, "# latency: nanoTime around each op (readseq: per batch of %d entries, "
            + "mean per entry, after untimed warm-up scans until the last %d agree within %d%%, at most %d); "
            + "seekrandom op = new iterator + seek + %d nexts; "
            + "disk_mib = engine dir after close (tables + WAL + metadata); gc_ms = JVM GC time while timed%n",
            WorkloadRunner.READSEQ_BATCH, WorkloadRunner.READSEQ_STEADY_SCANS,
            WorkloadRunner.READSEQ_STEADY_SPREAD_PERCENT, WorkloadRunner.READSEQ_MAX_WARMUP_SCANS,
            WorkloadRunner.SEEK_NEXTS);
        out.flush();
    }

    static String ratioLine(final Workload workload, final WorkloadResult ours, final WorkloadResult theirs) {
        final double ratio = theirs.opsPerSecond() == 0 ? 0 : ours.opsPerSecond() / theirs.opsPerSecond();
        final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
            "RATIO workload=%s tinykv/rocksdb=%.3f", workload.label(), ratio));
        if (workload == Workload.READWHILEWRITING && theirs.writesPerSecond() > 0) {
            line.append(String.format(Locale.ROOT, " writes_tinykv/rocksdb=%.3f",
                ours.writesPerSecond() / theirs.writesPerSecond()));
        }
        return line.toString();
    }

    private Plan validate() {
        final CommandLine cl = spec.commandLine();
        if (num < 1) {
            throw new ParameterException(cl, "--num must be >= 1, got " + num);
        }
        if (threads < 1 || threads > 256) {
            throw new ParameterException(cl, "--threads must be 1..256, got " + threads);
        }
        if (valueSize < 1 || valueSize > (1 << 20)) {
            throw new ParameterException(cl, "--value-size must be 1..1048576, got " + valueSize);
        }
        try {
            final KeyFormat keys = new KeyFormat(keySize, num);
            final Set<EngineKind> engineSet = new LinkedHashSet<>();
            for (String name : engines) {
                engineSet.add(EngineKind.fromLabel(name));
            }
            final List<Workload> workloadList = new ArrayList<>();
            for (String name : workloads) {
                workloadList.add(Workload.fromLabel(name));
            }
            if (engineSet.isEmpty() || workloadList.isEmpty()) {
                throw new IllegalArgumentException("--engines and --workloads must not be empty");
            }
            return new Plan(List.copyOf(engineSet), List.copyOf(workloadList), keys);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cl, e.getMessage(), e);
        }
    }

    /** The validated command line. */
    private record Plan(List<EngineKind> engines, List<Workload> workloads, KeyFormat keys) {
    }
}
