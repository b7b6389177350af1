package org.tinykv.scheduler.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tinykv.proto.eraftpb.ConfChangeType;
import org.tinykv.proto.metapb.RegionEpoch;
import org.tinykv.proto.schedulerpb.RegionHeartbeatResponse;
import org.tinykv.scheduler.cluster.RegionInfo;
import org.tinykv.scheduler.config.ScheduleConfig;
import org.tinykv.scheduler.sim.SimCluster;

class OperatorControllerTest {

    @Test
    void lifecycleSendResendAndSuccess() throws Exception {
        SimCluster sim = new SimCluster(4, ScheduleConfig.defaults());
        RegionInfo r = sim.addRegion(1, 10, 1, 2, 3);
        Operator op = new Operator(r, OperatorKind.REGION, "move 3->4",
                List.of(new Step.AddPeer(4, 777), new Step.TransferLeaderStep(1, 4), new Step.RemovePeer(1)),
                sim.clock.millis(), 60_000);
        assertTrue(sim.oc.add(op, r));
        assertEquals(1, sim.sent.size(), "first step sent at once");
        RegionHeartbeatResponse first = sim.sent.get(0);
        assertEquals(r.id(), first.getRegionId());
        assertEquals(r.epoch(), first.getRegionEpoch());
        assertEquals(r.leader(), first.getTargetPeer());
        assertEquals(ConfChangeType.AddNode, first.getChangePeer().getChangeType());
        assertEquals(777, first.getChangePeer().getPeer().getId());
        assertEquals(4, first.getChangePeer().getPeer().getStoreId());
        assertEquals(sim.cluster.clusterId(), first.getHeader().getClusterId());
        // a heartbeat that does not show progress re-sends the same step
        sim.sent.clear();
        sim.oc.dispatch(r);
        assertEquals(first, sim.sent.get(0));
        // the kv side executes each order; the operator walks through its steps
        for (int i = 0; i < 5 && sim.oc.hasOperator(r.id()); i++) {
            sim.executeOrders();
        }
        assertFalse(sim.oc.hasOperator(r.id()));
        assertEquals(OperatorState.SUCCESS, op.state());
        RegionInfo now = sim.cluster.region(r.id());
        assertNull(now.peerOnStore(1));
        assertTrue(now.leaderOn(4));
        assertSame(op, sim.oc.operatorOf(r.id()), "finished operator is remembered");
        assertEquals(1, sim.oc.finishedCount(OperatorState.SUCCESS));
    }

    @Test
    void timeoutOnHeartbeatAndOnPeriodicCheck() throws Exception {
        SimCluster sim = new SimCluster(3, ScheduleConfig.defaults());
        RegionInfo r1 = sim.addRegion(1, 1, 1, 2, 3);
        RegionInfo r2 = sim.addRegion(2, 1, 1, 2, 3);
        Operator a = new Operator(r1, OperatorKind.LEADER, "t", List.of(new Step.TransferLeaderStep(1, 2)),
                sim.clock.millis(), 10_000);
        Operator b = new Operator(r2, OperatorKind.LEADER, "t", List.of(new Step.TransferLeaderStep(1, 3)),
                sim.clock.millis(), 10_000);
        assertTrue(sim.oc.add(a, r1));
        assertTrue(sim.oc.add(b, r2));
        sim.clock.advance(10_000);
        sim.oc.dispatch(r1);
        assertTrue(sim.oc.hasOperator(r1.id()), "not yet older than the timeout");
        sim.clock.advance(1);
        sim.sent.clear();
        sim.oc.dispatch(r1);
        assertEquals(OperatorState.TIMEOUT, a.state());
        assertTrue(sim.sent.isEmpty(), "a timed-out operator sends nothing");
        assertEquals(1, sim.oc.checkTimeouts());
        assertEquals(OperatorState.TIMEOUT, b.state());
        assertTrue(sim.oc.runningOperators().isEmpty());
    }

    @Test
    void oneOperatorPerRegionAndLimits() throws Exception {
        ScheduleConfig cfg = new ScheduleConfig(3, 1_800_000, 1, 4, 8, 1, 10_000, 600_000, 1000, 100, 128, 1, 0);
        SimCluster sim = new SimCluster(5, cfg);
        RegionInfo r1 = sim.addRegion(1, 1, 1, 2, 3);
        RegionInfo r2 = sim.addRegion(2, 1, 1, 2, 3);
        RegionInfo r3 = sim.addRegion(3, 1, 1, 2, 3);
        long now = sim.clock.millis();
        assertTrue(sim.oc.add(new Operator(r1, OperatorKind.LEADER, "l",
                List.of(new Step.TransferLeaderStep(1, 2)), now, 10_000), r1));
        assertFalse(sim.oc.add(new Operator(r1, OperatorKind.REPLICA, "r",
                List.of(new Step.AddPeer(4, 9)), now, 10_000), r1), "one operator per region");
        assertFalse(sim.oc.add(new Operator(r2, OperatorKind.LEADER, "l",
                List.of(new Step.TransferLeaderStep(1, 2)), now, 10_000), r2), "leader limit 1");
        assertTrue(sim.oc.add(new Operator(r2, OperatorKind.REGION, "r",
                List.of(new Step.AddPeer(4, 9)), now, 10_000), r2));
        assertFalse(sim.oc.hasStoreCapacity(4));
        assertFalse(sim.oc.add(new Operator(r3, OperatorKind.REGION, "r",
                List.of(new Step.AddPeer(4, 10)), now, 10_000), r3), "store limit 1 on store 4");
        assertTrue(sim.oc.add(new Operator(r3, OperatorKind.REGION, "r",
                List.of(new Step.AddPeer(5, 10)), now, 10_000), r3));
        long[] inf = sim.oc.influence().get(4L);
        assertEquals(1, inf[1], "store 4 foresees one region of 1 MiB");
        assertEquals(-1, sim.oc.influence().get(1L)[0]);
    }

    @Test
    void cancelWhenRegionSplitOrStepNoLongerFits() throws Exception {
        SimCluster sim = new SimCluster(3, ScheduleConfig.defaults());
        RegionInfo r = sim.addRegion(1, 1, 1, 2);
        Operator op = new Operator(r, OperatorKind.REPLICA, "rm", List.of(new Step.TransferLeaderStep(1, 3)),
                sim.clock.millis(), 60_000);
        assertTrue(sim.oc.add(op, r));
        assertEquals(OperatorState.CANCEL, op.state(), "no peer on store 3 to transfer to");
        Operator op2 = new Operator(r, OperatorKind.REPLICA, "add", List.of(new Step.AddPeer(3, 99)),
                sim.clock.millis(), 60_000);
        assertTrue(sim.oc.add(op2, r));
        RegionInfo split = new RegionInfo(r.meta().toBuilder().setRegionEpoch(RegionEpoch.newBuilder()
                .setConfVer(1).setVersion(2)).build(), r.leader(), List.of(), r.approximateSize());
        sim.oc.dispatch(split);
        assertEquals(OperatorState.CANCEL, op2.state());
    }
}
