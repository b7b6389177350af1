package org.tinykv.server;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tinykv.server.service.RaftEndpoint;
import org.tinykv.server.status.EngineMetrics;
import org.tinykv.server.status.Sample;
import org.tinykv.server.storage.RawKv;
import org.tinykv.server.storage.StandaloneStorage;
import org.tinykv.server.storage.StandaloneTxnEngine;
import org.tinykv.txn.TxnCommands;
import org.tinykv.txn.latch.Latches;
import org.tinykv.wal.fs.OsFileSystem;

/** One local engine serving both APIs over the same column families, as TinyKV's standalone storage does. */
final class StandaloneBackend implements StoreBackend {
    private final StandaloneStorage storage;
    private final TxnCommands txn;

    private StandaloneBackend(final StandaloneStorage storage, final StandaloneTxnEngine engine) {
        this.storage = storage;
        this.txn = new TxnCommands(engine, new Latches(TinyKvServer.LATCH_SLOTS));
    }

    /** Opens the engine under {@code config.path()}. */
    static StandaloneBackend open(final ServerConfig config) throws IOException {
        final StandaloneStorage storage = StandaloneStorage.open(new OsFileSystem(), config.path(), config.storage());
        try {
            return new StandaloneBackend(storage, new StandaloneTxnEngine(storage));
        } catch (final IOException | RuntimeException e) {
            try {
                storage.close();
            } catch (final IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    public String mode() {
        return "standalone";
    }

    @Override
    public RawKv raw() {
        return storage;
    }

    @Override
    public TxnCommands transactions() {
        return txn;
    }

    /** One store, no raft: a read is an engine read. */
    @Override
    public boolean pointReadsAreLocal() {
        return true;
    }

    @Override
    public RaftEndpoint raftEndpoint() {
        return null;
    }

    /** A standalone store receives no streams: nothing to end. */
    @Override
    public void endStreams() {
    }

    @Override
    public List<Sample> samples() {
        return EngineMetrics.samples(storage.stats());
    }

    @Override
    public void describe(final Map<String, Object> status) {
        final Map<String, Object> engine = new LinkedHashMap<>();
        for (Sample s : EngineMetrics.samples(storage.stats())) {
            engine.put(s.series(), s.value());
        }
        status.put("engine", engine);
    }

    @Override
    public void close() throws IOException {
        storage.close();
    }
}
