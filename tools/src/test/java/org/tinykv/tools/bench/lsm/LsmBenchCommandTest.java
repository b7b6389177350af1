package org.tinykv.tools.bench.lsm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs {@code tinykv-bench lsm} end to end on small inputs and checks what it prints. The seed of keys and values
 * is printed and replays with {@code -Dlsmbench.seed=N}.
 */
final class LsmBenchCommandTest {

    private static final int NUM = 2000;
    private static final long SEED = Long.getLong("lsmbench.seed", 301);

    static {
        System.out.println("LsmBenchCommandTest seed=" + SEED + " (replay with -Dlsmbench.seed=" + SEED + ")");
    }
    private static final String ENGINES = "tinykv,rocksdb";
    private static final String ALL_WORKLOADS =
        "fillseq,readseq,readrandom,readmissing,seekrandom,readwhilewriting,fillrandom,overwrite,fillsync";
    private static final Pattern RESULT = Pattern.compile(
        "RESULT workload=(\\w+) engine=(\\w+) ops_per_sec=(\\d+) p50_us=([\\d.]+) p99_us=([\\d.]+) ops=(\\d+)(.*)");
    private static final Pattern RATIO = Pattern.compile("RATIO workload=(\\w+) tinykv/rocksdb=([\\d.]+).*");

    @TempDir
    Path tmp;

    @Test
    void everyWorkloadOnBothEnginesPrintsResultsAndReadsBack() {
        final Run run = run("--engines=" + ENGINES, "--workloads=" + ALL_WORKLOADS, "--num=" + NUM,
            "--threads=2", "--seed=" + SEED, "--db=" + tmp.resolve("db"));
        assertEquals(0, run.exitCode, "seed " + SEED + ": " + run.err);
        final Map<String, Matcher> results = new HashMap<>();
        int ratios = 0;
        for (String line : run.out.split("\n")) {
            final Matcher result = RESULT.matcher(line);
            if (result.matches()) {
                results.put(result.group(1) + "/" + result.group(2), result);
            }
            final Matcher ratio = RATIO.matcher(line);
            if (ratio.matches()) {
                ratios++;
                assertTrue(Double.parseDouble(ratio.group(2)) > 0, line);
            }
        }
        assertEquals(ENGINES.contains(",") ? 9 : 0, ratios, run.out);
        assertTrue(run.out.contains("# stats workload=fillseq engine=tinykv flushes="), run.out);
        assertTrue(run.out.contains("# stats workload=fillseq engine=rocksdb pending_compaction_mib="), run.out);
        for (String engine : ENGINES.split(",")) {
            for (String workload : ALL_WORKLOADS.split(",")) {
                final Matcher m = results.get(workload + "/" + engine);
                assertTrue(m != null, "no RESULT for " + workload + "/" + engine + " in\n" + run.out);
                assertTrue(Long.parseLong(m.group(3)) > 0, m.group());
            }
            assertEquals(NUM, found(results.get("readseq/" + engine)), "readseq reads every key");
            assertEquals(NUM, found(results.get("readrandom/" + engine)), "readrandom after fillseq finds all");
            assertEquals(NUM, found(results.get("seekrandom/" + engine)), "every seek lands on a key");
            assertEquals(0, found(results.get("readmissing/" + engine)), "readmissing finds none");
            assertEquals(NUM / 100, Long.parseLong(results.get("fillsync/" + engine).group(6)));
            assertTrue(results.get("readwhilewriting/" + engine).group(7).contains(" writes_per_sec="));
        }
    }

    @Test
    void readWorkloadWithoutPriorFillPreloadsTheKeySpace() {
        final Run run = run("--engines=" + ENGINES, "--workloads=readseq,readmissing", "--num=500",
            "--db=" + tmp.resolve("db"));
        assertEquals(0, run.exitCode, run.err);
        assertTrue(run.out.contains("preloading 500 keys"), run.out);
        assertTrue(run.out.contains("RESULT workload=readseq engine=rocksdb"), run.out);
        final Matcher m = RESULT.matcher(run.out.lines().filter(l -> l.startsWith("RESULT workload=readseq"))
            .findFirst().orElseThrow());
        assertTrue(m.matches());
        assertEquals(500, found(m));
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertEquals(2, run("--engines=leveldb", "--num=10").exitCode);
        assertEquals(2, run("--workloads=fillseq,nosuch", "--num=10").exitCode);
        assertEquals(2, run("--num=0").exitCode);
        assertEquals(2, run("--key-size=3", "--num=100000").exitCode);
        assertEquals(2, run("--threads=0", "--num=10").exitCode);
    }

    @Test
    void refusesANonEmptyDirectoryItDidNotMake() throws IOException {
        final Path dir = tmp.resolve("precious");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("data.txt"), "keep me");
        final Run run = run("--engines=rocksdb", "--workloads=fillseq", "--num=10", "--db=" + dir);
        assertEquals(1, run.exitCode);
        assertTrue(run.err.contains("refusing"), run.err);
        assertTrue(Files.exists(dir.resolve("data.txt")));
    }

    private static long found(final Matcher result) {
        final Matcher m = Pattern.compile(" found=(\\d+)").matcher(result.group(7));
        assertTrue(m.find(), result.group());
        return Long.parseLong(m.group(1));
    }

    private static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cl = new CommandLine(new LsmBenchCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        final int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private record Run(int exitCode, String out, String err) {
    }

}
