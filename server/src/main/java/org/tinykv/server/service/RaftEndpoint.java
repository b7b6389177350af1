package org.tinykv.server.service;

import io.grpc.stub.StreamObserver;
import org.tinykv.proto.raft_serverpb.Done;
import org.tinykv.proto.raft_serverpb.RaftMessage;
import org.tinykv.proto.raft_serverpb.SnapshotChunk;

/**
 * The receiving side of the store-to-store RPCs of {@code tinykvpb.TinyKv}: {@code Raft} (a client stream of raft
 * messages) and {@code Snapshot} (a client stream of chunks: the {@code MsgSnapshot} message first, then the files'
 * bytes). {@link KvService} hands both calls to an endpoint when the server runs a replicated store; a standalone
 * server has none and answers {@code UNIMPLEMENTED}.
 *
 * <p>Thread-safety: implementations are called concurrently by gRPC for different streams.
 */
public interface RaftEndpoint {

    /** Starts receiving one {@code Raft} stream; {@code done} gets a single {@link Done} when the sender closes it. */
    StreamObserver<RaftMessage> raft(StreamObserver<Done> done);

    /** Starts receiving one {@code Snapshot} stream; {@code done} completes once the snapshot is accepted. */
    StreamObserver<SnapshotChunk> snapshot(StreamObserver<Done> done);
}
