package org.tinykv.server;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real {@code tinykv-server --standalone} child process on loopback with ephemeral ports, for tests that kill it.
 * Its output is collected; {@link #grpcPort()} waits (with a deadline) for the "started" log line.
 */
final class ChildServer implements Closeable {

    private static final Pattern STARTED = Pattern.compile("tinykv-server started: .*grpc=\\S*:(\\d+) ");

    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Thread reader;

    private ChildServer(final Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "child-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a child serving {@code dataDir}. */
    static ChildServer start(final Path dataDir) throws IOException {
        final String classpath = System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path"));
        final ProcessBuilder builder = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-XX:+UseSerialGC",
            "-cp", classpath, TinyKvServerMain.class.getName(), "--standalone", "-path=" + dataDir,
            "-addr=127.0.0.1:0", "-status-addr=127.0.0.1:0");
        builder.redirectErrorStream(true);
        return new ChildServer(builder.start());
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (output) {
                    output.add(line);
                }
                final Matcher m = STARTED.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IOException("child exited before it started:\n" + output()));
    }

    /** Waits up to 60 s for the server to listen and returns its gRPC port. */
    int grpcPort() throws IOException, InterruptedException {
        try {
            return port.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("child did not start: " + e + "\n" + output(), e);
        }
    }

    /** Waits up to 60 s for the child to exit and returns its exit code. */
    int waitForExit() throws InterruptedException, IOException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IOException("child did not exit within 60 s:\n" + output());
        }
        reader.join(10_000);
        return process.exitValue();
    }

    /** Sends SIGKILL. */
    void kill9() {
        process.toHandle().destroyForcibly();
    }

    /**
     * Sends SIGTERM. Through the process handle, because {@code Process.destroy()} also closes our end of the
     * child's output pipe, which would lose what the child logs while it shuts down.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Everything the child printed so far. */
    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
