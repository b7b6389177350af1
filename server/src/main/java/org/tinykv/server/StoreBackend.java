package org.tinykv.server;

import java.io.Closeable;
import java.util.List;
import java.util.Map;
import org.tinykv.server.service.RaftEndpoint;
import org.tinykv.server.status.Sample;
import org.tinykv.server.storage.RawKv;
import org.tinykv.txn.TxnCommands;

/**
 * What a {@link TinyKvServer} serves from: a standalone engine or a replicated store. The server owns it and closes
 * it after the gRPC server has stopped.
 */
public interface StoreBackend extends Closeable {

    /** {@code standalone} or {@code replicated}. */
    String mode();

    /** The raw API. */
    RawKv raw();

    /** The Percolator commands. */
    TxnCommands transactions();

    /**
     * Whether point reads (KvGet, RawGet) are answered from the local engine without waiting for anything (no
     * consensus round, no remote store): then they may run on the gRPC transport thread.
     */
    boolean pointReadsAreLocal();

    /** The receiving side of the Raft and Snapshot streams, or null when the backend has no raft. */
    RaftEndpoint raftEndpoint();

    /** Ends the inbound streams of other stores (at shutdown, once no unary call is in flight). */
    void endStreams();

    /** The backend's metrics samples. */
    List<Sample> samples();

    /** Adds the backend's part of {@code /status} to {@code status}. */
    void describe(Map<String, Object> status);
}
