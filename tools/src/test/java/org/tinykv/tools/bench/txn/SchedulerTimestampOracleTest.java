package org.tinykv.tools.bench.txn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.tinykv.scheduler.SchedulerServer;
import org.tinykv.scheduler.config.SchedulerConfig;
import org.tinykv.scheduler.meta.MemMetaStore;
import org.tinykv.txn.types.TimeStamp;

/** Timestamps from an in-JVM tinyscheduler-server's Tso stream; an unreachable scheduler is a clear error. */
class SchedulerTimestampOracleTest {

    @Test
    void timestampsAreStrictlyIncreasingAndNearTheWallClock() throws Exception {
        SchedulerConfig cfg = SchedulerConfig.defaults(null).withClientUrl("http://127.0.0.1:0");
        try (SchedulerServer scheduler = SchedulerServer.start(cfg, new MemMetaStore(), Clock.systemUTC(),
                new Random(3));
             SchedulerTimestampOracle tso = new SchedulerTimestampOracle("127.0.0.1:" + scheduler.port())) {
            long before = System.currentTimeMillis();
            long last = 0;
            for (int i = 0; i < 200; i++) {
                long ts = tso.next();
                assertTrue(Long.compareUnsigned(ts, last) > 0, "not increasing: " + ts + " after " + last);
                last = ts;
            }
            long physical = TimeStamp.physical(last);
            assertTrue(physical >= before - 60_000 && physical <= System.currentTimeMillis() + 60_000,
                "physical part " + physical + " far from the wall clock " + before);
        }
    }

    @Test
    void pipelinedCallsAreAnsweredInCallOrder() throws Exception {
        SchedulerConfig cfg = SchedulerConfig.defaults(null).withClientUrl("http://127.0.0.1:0");
        try (SchedulerServer scheduler = SchedulerServer.start(cfg, new MemMetaStore(), Clock.systemUTC(),
                new Random(3));
             SchedulerTimestampOracle tso = new SchedulerTimestampOracle("127.0.0.1:" + scheduler.port())) {
            List<CompletableFuture<Long>> calls = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                calls.add(tso.nextAsync());
            }
            long last = 0;
            for (CompletableFuture<Long> call : calls) {
                long ts = call.get(10, TimeUnit.SECONDS);
                assertTrue(Long.compareUnsigned(ts, last) > 0, "not increasing in call order: " + ts + " after "
                    + last);
                last = ts;
            }
        }
    }

    @Test
    void callsAfterTheSchedulerWentAwayFailClearly() throws Exception {
        SchedulerConfig cfg = SchedulerConfig.defaults(null).withClientUrl("http://127.0.0.1:0");
        SchedulerServer scheduler = SchedulerServer.start(cfg, new MemMetaStore(), Clock.systemUTC(), new Random(3));
        try (SchedulerTimestampOracle tso = new SchedulerTimestampOracle("127.0.0.1:" + scheduler.port())) {
            tso.next();
            scheduler.close();
            ExecutionException failure = assertThrows(ExecutionException.class,
                () -> {
                    // the stream's end may reach the oracle after a call or two went out: those fail too
                    for (int i = 0; i < 100; i++) {
                        tso.nextAsync().get(20, TimeUnit.SECONDS);
                    }
                });
            assertTrue(failure.getCause() instanceof IllegalStateException, failure.toString());
        } finally {
            scheduler.close();
        }
    }

    @Test
    void unreachableSchedulerFailsClearly() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String target = "127.0.0.1:" + port;
        assertThrows(StatusRuntimeException.class, () -> new SchedulerTimestampOracle(target).close());
    }
}
