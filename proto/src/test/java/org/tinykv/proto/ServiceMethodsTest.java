package org.tinykv.proto;

import static io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING;
import static io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING;
import static io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING;
import static io.grpc.MethodDescriptor.MethodType.UNARY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.Descriptors;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServiceDescriptor;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.schedulerpb.SchedulerGrpc;
import org.tinykv.proto.schedulerpb.Schedulerpb;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.proto.tinykvpb.Tinykvpb;

/**
 * Pins the gRPC surface of both services: full method names (what goes in the HTTP/2 :path),
 * call kinds, and request/response message types. A TinyKV/TinySQL peer dispatches on exactly
 * these strings, so any drift here breaks interoperability.
 */
class ServiceMethodsTest {

    private record Rpc(MethodDescriptor<?, ?> method, String fullName, MethodType type, String in, String out) {}

    private static Rpc rpc(MethodDescriptor<?, ?> m, String fullName, MethodType type, String in, String out) {
        return new Rpc(m, fullName, type, in, out);
    }

    private static final String KV = "kvrpcpb.";
    private static final String RS = "raft_serverpb.";
    private static final String SC = "schedulerpb.";

    private static final List<Rpc> TINYKV = List.of(
            rpc(TinyKvGrpc.getKvGetMethod(), "tinykvpb.TinyKv/KvGet", UNARY, KV + "GetRequest", KV + "GetResponse"),
            rpc(TinyKvGrpc.getKvScanMethod(), "tinykvpb.TinyKv/KvScan", UNARY, KV + "ScanRequest", KV + "ScanResponse"),
            rpc(TinyKvGrpc.getKvPrewriteMethod(), "tinykvpb.TinyKv/KvPrewrite", UNARY,
                    KV + "PrewriteRequest", KV + "PrewriteResponse"),
            rpc(TinyKvGrpc.getKvCommitMethod(), "tinykvpb.TinyKv/KvCommit", UNARY,
                    KV + "CommitRequest", KV + "CommitResponse"),
            rpc(TinyKvGrpc.getKvCheckTxnStatusMethod(), "tinykvpb.TinyKv/KvCheckTxnStatus", UNARY,
                    KV + "CheckTxnStatusRequest", KV + "CheckTxnStatusResponse"),
            rpc(TinyKvGrpc.getKvBatchRollbackMethod(), "tinykvpb.TinyKv/KvBatchRollback", UNARY,
                    KV + "BatchRollbackRequest", KV + "BatchRollbackResponse"),
            rpc(TinyKvGrpc.getKvResolveLockMethod(), "tinykvpb.TinyKv/KvResolveLock", UNARY,
                    KV + "ResolveLockRequest", KV + "ResolveLockResponse"),
            rpc(TinyKvGrpc.getRawGetMethod(), "tinykvpb.TinyKv/RawGet", UNARY, KV + "RawGetRequest", KV + "RawGetResponse"),
            rpc(TinyKvGrpc.getRawPutMethod(), "tinykvpb.TinyKv/RawPut", UNARY, KV + "RawPutRequest", KV + "RawPutResponse"),
            rpc(TinyKvGrpc.getRawDeleteMethod(), "tinykvpb.TinyKv/RawDelete", UNARY,
                    KV + "RawDeleteRequest", KV + "RawDeleteResponse"),
            rpc(TinyKvGrpc.getRawScanMethod(), "tinykvpb.TinyKv/RawScan", UNARY,
                    KV + "RawScanRequest", KV + "RawScanResponse"),
            rpc(TinyKvGrpc.getRaftMethod(), "tinykvpb.TinyKv/Raft", CLIENT_STREAMING, RS + "RaftMessage", RS + "Done"),
            rpc(TinyKvGrpc.getSnapshotMethod(), "tinykvpb.TinyKv/Snapshot", CLIENT_STREAMING,
                    RS + "SnapshotChunk", RS + "Done"),
            rpc(TinyKvGrpc.getCoprocessorMethod(), "tinykvpb.TinyKv/Coprocessor", UNARY,
                    "coprocessor.Request", "coprocessor.Response"));

    private static final List<Rpc> SCHEDULER = List.of(
            rpc(SchedulerGrpc.getGetMembersMethod(), "schedulerpb.Scheduler/GetMembers", UNARY,
                    SC + "GetMembersRequest", SC + "GetMembersResponse"),
            rpc(SchedulerGrpc.getTsoMethod(), "schedulerpb.Scheduler/Tso", BIDI_STREAMING,
                    SC + "TsoRequest", SC + "TsoResponse"),
            rpc(SchedulerGrpc.getBootstrapMethod(), "schedulerpb.Scheduler/Bootstrap", UNARY,
                    SC + "BootstrapRequest", SC + "BootstrapResponse"),
            rpc(SchedulerGrpc.getIsBootstrappedMethod(), "schedulerpb.Scheduler/IsBootstrapped", UNARY,
                    SC + "IsBootstrappedRequest", SC + "IsBootstrappedResponse"),
            rpc(SchedulerGrpc.getAllocIDMethod(), "schedulerpb.Scheduler/AllocID", UNARY,
                    SC + "AllocIDRequest", SC + "AllocIDResponse"),
            rpc(SchedulerGrpc.getGetStoreMethod(), "schedulerpb.Scheduler/GetStore", UNARY,
                    SC + "GetStoreRequest", SC + "GetStoreResponse"),
            rpc(SchedulerGrpc.getPutStoreMethod(), "schedulerpb.Scheduler/PutStore", UNARY,
                    SC + "PutStoreRequest", SC + "PutStoreResponse"),
            rpc(SchedulerGrpc.getGetAllStoresMethod(), "schedulerpb.Scheduler/GetAllStores", UNARY,
                    SC + "GetAllStoresRequest", SC + "GetAllStoresResponse"),
            rpc(SchedulerGrpc.getStoreHeartbeatMethod(), "schedulerpb.Scheduler/StoreHeartbeat", UNARY,
                    SC + "StoreHeartbeatRequest", SC + "StoreHeartbeatResponse"),
            rpc(SchedulerGrpc.getRegionHeartbeatMethod(), "schedulerpb.Scheduler/RegionHeartbeat", BIDI_STREAMING,
                    SC + "RegionHeartbeatRequest", SC + "RegionHeartbeatResponse"),
            rpc(SchedulerGrpc.getGetRegionMethod(), "schedulerpb.Scheduler/GetRegion", UNARY,
                    SC + "GetRegionRequest", SC + "GetRegionResponse"),
            rpc(SchedulerGrpc.getGetPrevRegionMethod(), "schedulerpb.Scheduler/GetPrevRegion", UNARY,
                    SC + "GetRegionRequest", SC + "GetRegionResponse"),
            rpc(SchedulerGrpc.getGetRegionByIDMethod(), "schedulerpb.Scheduler/GetRegionByID", UNARY,
                    SC + "GetRegionByIDRequest", SC + "GetRegionResponse"),
            rpc(SchedulerGrpc.getScanRegionsMethod(), "schedulerpb.Scheduler/ScanRegions", UNARY,
                    SC + "ScanRegionsRequest", SC + "ScanRegionsResponse"),
            rpc(SchedulerGrpc.getAskSplitMethod(), "schedulerpb.Scheduler/AskSplit", UNARY,
                    SC + "AskSplitRequest", SC + "AskSplitResponse"),
            // Our addition: TinyKV defines these messages but not the RPC.
            rpc(SchedulerGrpc.getReportSplitMethod(), "schedulerpb.Scheduler/ReportSplit", UNARY,
                    SC + "ReportSplitRequest", SC + "ReportSplitResponse"),
            rpc(SchedulerGrpc.getGetClusterConfigMethod(), "schedulerpb.Scheduler/GetClusterConfig", UNARY,
                    SC + "GetClusterConfigRequest", SC + "GetClusterConfigResponse"),
            rpc(SchedulerGrpc.getPutClusterConfigMethod(), "schedulerpb.Scheduler/PutClusterConfig", UNARY,
                    SC + "PutClusterConfigRequest", SC + "PutClusterConfigResponse"),
            rpc(SchedulerGrpc.getScatterRegionMethod(), "schedulerpb.Scheduler/ScatterRegion", UNARY,
                    SC + "ScatterRegionRequest", SC + "ScatterRegionResponse"),
            rpc(SchedulerGrpc.getGetGCSafePointMethod(), "schedulerpb.Scheduler/GetGCSafePoint", UNARY,
                    SC + "GetGCSafePointRequest", SC + "GetGCSafePointResponse"),
            rpc(SchedulerGrpc.getUpdateGCSafePointMethod(), "schedulerpb.Scheduler/UpdateGCSafePoint", UNARY,
                    SC + "UpdateGCSafePointRequest", SC + "UpdateGCSafePointResponse"),
            rpc(SchedulerGrpc.getGetOperatorMethod(), "schedulerpb.Scheduler/GetOperator", UNARY,
                    SC + "GetOperatorRequest", SC + "GetOperatorResponse"));

    @Test
    void tinyKvServiceIsPinned() {
        check(TinyKvGrpc.getServiceDescriptor(), Tinykvpb.getDescriptor().findServiceByName("TinyKv"),
                "tinykvpb.TinyKv", TINYKV);
    }

    @Test
    void schedulerServiceIsPinned() {
        check(SchedulerGrpc.getServiceDescriptor(), Schedulerpb.getDescriptor().findServiceByName("Scheduler"),
                "schedulerpb.Scheduler", SCHEDULER);
    }

    private static void check(ServiceDescriptor grpcService, Descriptors.ServiceDescriptor protoService,
                              String serviceName, List<Rpc> rows) {
        assertEquals(serviceName, grpcService.getName());
        assertNotNull(protoService, serviceName);
        assertEquals(serviceName, protoService.getFullName());

        for (Rpc r : rows) {
            MethodDescriptor<?, ?> m = r.method();
            assertEquals(r.fullName(), m.getFullMethodName());
            assertEquals(serviceName, m.getServiceName(), r.fullName());
            assertEquals(r.type(), m.getType(), r.fullName());

            Descriptors.MethodDescriptor pm = protoService.findMethodByName(m.getBareMethodName());
            assertNotNull(pm, r.fullName());
            assertEquals(r.in(), pm.getInputType().getFullName(), r.fullName() + " request type");
            assertEquals(r.out(), pm.getOutputType().getFullName(), r.fullName() + " response type");
            boolean clientStreams = r.type() == CLIENT_STREAMING || r.type() == BIDI_STREAMING;
            boolean serverStreams = r.type() == SERVER_STREAMING || r.type() == BIDI_STREAMING;
            assertEquals(clientStreams, pm.isClientStreaming(), r.fullName());
            assertEquals(serverStreams, pm.isServerStreaming(), r.fullName());
        }

        // Exactly this set of methods: nothing missing, nothing extra.
        Set<String> expected = rows.stream().map(Rpc::fullName).collect(Collectors.toSet());
        assertEquals(rows.size(), expected.size(), "duplicate rows in the expectation table");
        Set<String> actual = grpcService.getMethods().stream()
                .map(MethodDescriptor::getFullMethodName).collect(Collectors.toSet());
        assertEquals(expected, actual);
        Set<String> protoActual = protoService.getMethods().stream()
                .map(pm -> serviceName + "/" + pm.getName()).collect(Collectors.toSet());
        assertEquals(expected, protoActual);
    }
}
