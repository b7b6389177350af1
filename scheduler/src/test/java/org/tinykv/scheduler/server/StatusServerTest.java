package org.tinykv.scheduler.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.sim.SimCluster;
import org.tinykv.scheduler.status.SchedulerMetrics;
import org.tinykv.scheduler.status.StatusServer;

class StatusServerTest {

    static HttpResponse<String> post(HttpClient c, int port, String path) throws Exception {
        return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAndStatusJson() throws Exception {
        SimCluster sim = new SimCluster(3, ScheduleConfig.defaults());
        sim.addRegion(0, 1, 1, 2, 3);
        sim.addRegion(1, 1, 2, 1, 3);
        SchedulerMetrics m = new SchedulerMetrics();
        m.tsoTimestamps.add(42);
        try (StatusServer s = new StatusServer("127.0.0.1", 0, sim.cluster, sim.oc, m)) {
            HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> metrics = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("tinyscheduler_tso_timestamps_total 42"), metrics.body());
            assertTrue(metrics.body().contains("tinyscheduler_store_leaders{store=\"2\"} 1"), metrics.body());
            assertTrue(metrics.body().contains("tinyscheduler_regions 2"), metrics.body());
            HttpResponse<String> status = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                    + "/status")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, status.statusCode());
            assertTrue(status.body().startsWith("{\"cluster_id\":42,\"bootstrapped\":true,\"region_count\":2"),
                    status.body());
            assertTrue(status.body().contains("{\"id\":1,\"address\":\"127.0.0.1:20161\",\"state\":\"Up\","
                    + "\"leader_count\":1,\"region_count\":2"), status.body());
            assertEquals(400, post(c, s.port(), "/store/3?state=Tombstone").statusCode(), "store 3 has replicas");
            assertEquals(400, post(c, s.port(), "/store/x?state=Up").statusCode());
            assertEquals(400, post(c, s.port(), "/store/3?state=Gone").statusCode());
            assertEquals(404, post(c, s.port(), "/store/9?state=Offline").statusCode());
            HttpResponse<String> off = post(c, s.port(), "/store/3?state=Offline");
            assertEquals(200, off.statusCode(), off.body());
            assertEquals(org.tinykv.proto.metapb.StoreState.Offline, sim.cluster.store(3).meta().getState());
        }
    }
}
