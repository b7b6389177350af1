package org.tinykv.scheduler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ConfigFileTest {

    final SchedulerConfig base = SchedulerConfig.defaults(Path.of("/tmp/x"));

    @Test
    void parsesEverySection() {
        SchedulerConfig c = ConfigFile.parse("""
                name = "s1"
                client-urls = "http://127.0.0.1:3379"
                status-addr = "127.0.0.1:3380"
                log-level = "debug"
                [tso]
                save-interval = "5s"
                [id]
                batch = 50
                [schedule]
                max-replicas = 5
                max-store-down-time = "1h"
                store-limit = 3
                patrol-interval = "150ms"
                leader-operator-timeout = "2m"
                """, base).validate();
        assertEquals("s1", c.name());
        assertEquals(3379, c.clientPort());
        assertEquals("127.0.0.1", c.clientHost());
        assertEquals(5000, c.tsoWindowMillis());
        assertEquals(50, c.idBatch());
        assertEquals(5, c.schedule().maxReplicas());
        assertEquals(3_600_000, c.schedule().maxStoreDownMillis());
        assertEquals(3, c.schedule().storeLimit());
        assertEquals(150, c.schedule().patrolIntervalMillis());
        assertEquals(120_000, c.schedule().leaderOperatorTimeoutMillis());
        assertEquals(Path.of("/tmp/x"), c.dataDir());
    }

    @Test
    void badContentIsAClearError() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ConfigFile.parse("nmae = \"x\"", base))
                .getMessage().contains("unknown key 'nmae'"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ConfigFile.parse("[schedule]\nbogus = 1", base)).getMessage().contains("schedule.bogus"));
        assertThrows(IllegalArgumentException.class, () -> ConfigFile.parse("[tso]\nsave-interval = 5", base));
        assertThrows(IllegalArgumentException.class, () -> ConfigFile.parse("[tso]\nsave-interval = \"5x\"",
                base));
        assertThrows(IllegalArgumentException.class, () -> ConfigFile.parse("name = ", base));
        assertThrows(IllegalArgumentException.class,
                () -> ConfigFile.parse("client-urls = \"127.0.0.1:2379\"", base).validate());
        assertThrows(IllegalArgumentException.class,
                () -> ConfigFile.parse("[schedule]\nstore-limit = 0", base).validate());
        assertThrows(IllegalArgumentException.class, () -> SchedulerConfig.defaults(null).validate());
    }

    @Test
    void durations() {
        assertEquals(150, ConfigFile.parseDuration("150ms", "d"));
        assertEquals(10_000, ConfigFile.parseDuration("10s", "d"));
        assertEquals(1_800_000, ConfigFile.parseDuration("30m", "d"));
        assertEquals(7_200_000, ConfigFile.parseDuration("2h", "d"));
        assertThrows(IllegalArgumentException.class, () -> ConfigFile.parseDuration("-1s", "d"));
        assertThrows(IllegalArgumentException.class, () -> ConfigFile.parseDuration("s", "d"));
    }
}
