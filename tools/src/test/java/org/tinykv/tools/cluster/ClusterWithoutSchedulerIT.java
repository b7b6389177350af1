package org.tinykv.tools.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.tools.client.ClusterClient;
import org.tinykv.tools.client.ClusterClientOptions;

/**
 * A store that already joined restarts while the scheduler is down: it starts from its own disk, reaches its peers
 * through the addresses it saved, catches up, and registers once the scheduler is back.
 */
@Timeout(120)
class ClusterWithoutSchedulerIT {
    @TempDir
    Path dir;

    @Test
    void joinedStoreRestartsWhileTheSchedulerIsDown() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(dir, 3);
             ClusterClient client = ClusterClient.connect(cluster.schedulerAddress(), ClusterClientOptions.defaults())) {
            ClusterIT.await("the first region has three replicas", 60, () -> ClusterIT.replicas(cluster) == 3);
            ClusterIT.put(client, "before", "1");
            final int follower = ClusterIT.leaderStoreByStatus(cluster) == 1 ? 2 : 1;
            cluster.stopScheduler();
            cluster.stopStore(follower);
            cluster.startStore(follower); // from its own disk: no scheduler to ask
            // new entries the restarted store must acknowledge: it reaches the leader through its saved addresses
            ClusterIT.put(client, "during", "2");
            final long applied = ClusterIT.appliedIndex(cluster, ClusterIT.leaderStoreByStatus(cluster));
            ClusterIT.await("the restarted store rejoined its region without the scheduler", 30,
                () -> ClusterIT.appliedEverywhere(cluster, applied));
            assertTrue(ClusterIT.http(cluster, follower, "/status").contains("\"registered\":false"));
            cluster.startScheduler();
            ClusterIT.await("the store registered once the scheduler is back", 30, () -> {
                try {
                    return ClusterIT.http(cluster, follower, "/status").contains("\"registered\":true");
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            assertEquals("1", ClusterIT.get(client, "before"));
            assertEquals("2", ClusterIT.get(client, "during"));
        }
    }

}
