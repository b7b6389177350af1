package org.tinykv.server.txn;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tinykv.proto.kvrpcpb.Context;
import org.tinykv.proto.kvrpcpb.KvPair;
import org.tinykv.proto.kvrpcpb.RawDeleteRequest;
import org.tinykv.proto.kvrpcpb.RawGetRequest;
import org.tinykv.proto.kvrpcpb.RawGetResponse;
import org.tinykv.proto.kvrpcpb.RawPutRequest;
import org.tinykv.proto.kvrpcpb.RawScanRequest;
import org.tinykv.proto.kvrpcpb.RawScanResponse;
import org.tinykv.proto.tinykvpb.TinyKvGrpc;
import org.tinykv.txn.engine.Engine;
import org.tinykv.txn.engine.EngineIterator;
import org.tinykv.txn.engine.EngineSnapshot;
import org.tinykv.txn.engine.Modify;
import org.tinykv.txn.engine.TxnCf;

/**
 * txn's {@link Engine} over a standalone server's raw RPCs on the shared column families default/lock/write, for
 * seeding and inspecting MVCC state in tests. It is NOT a real engine: a "snapshot" reads the live state, one RPC
 * per get and one RawScan per page of an iterator, and a batch is applied one RawPut/RawDelete at a time (not
 * atomically). That is exact for the sequential seed-call-inspect pattern of the command cases, and for nothing
 * else. Any RPC-level or response error throws {@link IllegalStateException}.
 */
final class RawRpcEngine implements Engine {
    private static final int PAGE = 256;
    private final TinyKvGrpc.TinyKvBlockingStub stub;

    RawRpcEngine(TinyKvGrpc.TinyKvBlockingStub stub) {
        this.stub = stub;
    }

    private TinyKvGrpc.TinyKvBlockingStub kv() {
        return stub.withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    private static void check(String what, String error) {
        if (!error.isEmpty()) {
            throw new IllegalStateException(what + ": " + error);
        }
    }

    @Override
    public EngineSnapshot snapshot(Context ctx) {
        return new LiveView();
    }

    @Override
    public void write(Context ctx, List<Modify> batch) {
        for (Modify m : batch) {
            ByteString key = ByteString.copyFrom(m.key());
            if (m instanceof Modify.Put p) {
                check("RawPut", kv().rawPut(RawPutRequest.newBuilder().setCf(p.cf().cfName()).setKey(key)
                        .setValue(ByteString.copyFrom(p.value())).build()).getError());
            } else {
                check("RawDelete", kv().rawDelete(RawDeleteRequest.newBuilder().setCf(m.cf().cfName())
                        .setKey(key).build()).getError());
            }
        }
    }

    /** Removes every entry of every column family. */
    void clear() {
        for (TxnCf cf : TxnCf.values()) {
            while (true) {
                List<KvPair> page = scan(cf, ByteString.EMPTY, PAGE);
                if (page.isEmpty()) {
                    break;
                }
                for (KvPair kv : page) {
                    check("RawDelete", kv().rawDelete(RawDeleteRequest.newBuilder().setCf(cf.cfName())
                            .setKey(kv.getKey()).build()).getError());
                }
            }
        }
    }

    private List<KvPair> scan(TxnCf cf, ByteString start, int limit) {
        RawScanResponse r = kv().rawScan(RawScanRequest.newBuilder().setCf(cf.cfName()).setStartKey(start)
                .setLimit(limit).build());
        check("RawScan", r.getError());
        return r.getKvsList();
    }

    /** Reads of the live state. */
    private final class LiveView implements EngineSnapshot {
        @Override
        public byte[] get(TxnCf cf, byte[] key) {
            RawGetResponse r = kv().rawGet(RawGetRequest.newBuilder().setCf(cf.cfName())
                    .setKey(ByteString.copyFrom(key)).build());
            check("RawGet", r.getError());
            return r.getNotFound() ? null : r.getValue().toByteArray();
        }

        @Override
        public EngineIterator iterator(TxnCf cf, byte[] lower, byte[] upper) {
            return new PagedIterator(cf, lower, upper);
        }

        @Override
        public void close() {
        }
    }

    /** An iterator fetching pages of RawScan results, filtered to its bounds. */
    private final class PagedIterator implements EngineIterator {
        private final TxnCf cf;
        private final byte[] lower;
        private final byte[] upper;
        private List<KvPair> page = List.of();
        private int pos;
        private boolean lastPage = true;

        PagedIterator(TxnCf cf, byte[] lower, byte[] upper) {
            this.cf = cf;
            this.lower = lower;
            this.upper = upper;
        }

        @Override
        public void seek(byte[] key) {
            byte[] from = lower != null && Arrays.compareUnsigned(key, lower) < 0 ? lower : key;
            load(ByteString.copyFrom(from));
        }

        private void load(ByteString from) {
            page = scan(cf, from, PAGE);
            lastPage = page.size() < PAGE;
            pos = 0;
        }

        @Override
        public boolean valid() {
            return pos < page.size() && (upper == null || Arrays.compareUnsigned(key(), upper) < 0);
        }

        @Override
        public void next() {
            pos++;
            if (pos == page.size() && !lastPage) {
                byte[] last = page.get(pos - 1).getKey().toByteArray();
                load(ByteString.copyFrom(Arrays.copyOf(last, last.length + 1))); // the smallest key after last
            }
        }

        @Override
        public byte[] key() {
            return page.get(pos).getKey().toByteArray();
        }

        @Override
        public byte[] value() {
            return page.get(pos).getValue().toByteArray();
        }

        @Override
        public void close() {
        }
    }
}
