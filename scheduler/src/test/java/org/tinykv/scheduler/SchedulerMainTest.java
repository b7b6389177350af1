package org.tinykv.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.scheduler.config.SchedulerConfig;

import picocli.CommandLine;

class SchedulerMainTest {

    @TempDir
    Path dir;

    @Test
    void flagsOverrideTheConfigFile() throws Exception {
        Path toml = dir.resolve("s.toml");
        Files.writeString(toml, "name = \"from-file\"\nstatus-addr = \"127.0.0.1:9\"\n[schedule]\nstore-limit = 7\n");
        SchedulerMain m = new SchedulerMain();
        new CommandLine(m).parseArgs("--data-dir=" + dir, "--config", toml.toString(), "--name=flag",
                "--client-urls=http://127.0.0.1:1234", "-L", "debug");
        SchedulerConfig c = m.buildConfig();
        assertEquals("flag", c.name());
        assertEquals(1234, c.clientPort());
        assertEquals("127.0.0.1:9", c.statusAddr());
        assertEquals(7, c.schedule().storeLimit());
        assertEquals("debug", c.logLevel());
        assertEquals(dir, c.dataDir());
    }

    @Test
    void badInputExitsWith2() {
        assertEquals(2, new CommandLine(new SchedulerMain()).execute("--no-such-flag"));
        assertEquals(2, new CommandLine(new SchedulerMain()).execute("--client-urls=http://x:1"),
                "missing --data-dir");
        assertEquals(2, new CommandLine(new SchedulerMain()).execute("--data-dir=" + dir, "--client-urls=nonsense"));
        assertEquals(0, new CommandLine(new SchedulerMain()).execute("--help"));
    }
}
