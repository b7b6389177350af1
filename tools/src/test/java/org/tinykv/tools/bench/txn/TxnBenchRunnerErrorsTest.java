package org.tinykv.tools.bench.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.kvrpcpb.BatchRollbackRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusRequest;
import org.tinykv.proto.kvrpcpb.CheckTxnStatusResponse;
import org.tinykv.proto.kvrpcpb.CommitRequest;
import org.tinykv.proto.kvrpcpb.CommitResponse;
import org.tinykv.proto.kvrpcpb.GetRequest;
import org.tinykv.proto.kvrpcpb.GetResponse;
import org.tinykv.proto.kvrpcpb.PrewriteRequest;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.proto.kvrpcpb.ResolveLockRequest;
import org.tinykv.proto.kvrpcpb.ResolveLockResponse;

/** The runner's accounting of failures against a server that answers every RPC with UNAVAILABLE. */
class TxnBenchRunnerErrorsTest {

    @Test
    void failuresOfATransactionBegunInTheWarmupCountAsErrors() throws InterruptedException {
        AtomicLong ts = new AtomicLong();
        TimestampSource tso = new TimestampSource() {
            @Override
            public long next() {
                return ts.incrementAndGet();
            }

            @Override
            public void close() {
            }
        };
        TxnBenchRunner.Settings settings = new TxnBenchRunner.Settings(1, 2, Duration.ofMillis(100),
            Duration.ofMillis(200), 10, 3000, 1);
        TxnBenchRunner runner = new TxnBenchRunner(List.of(new Unavailable()), tso, settings,
            new PrintStream(OutputStream.nullOutputStream()), System::nanoTime);
        TxnBenchResult result = runner.run();
        assertEquals(0, result.committed());
        assertTrue(result.errors() > 0, "errors: " + result.errors());
        assertTrue(runner.lastError().contains("UNAVAILABLE"), runner.lastError());
    }

    /** A target whose every RPC fails as an unreachable server's would. */
    private static final class Unavailable implements TxnKv {
        @Override
        public GetResponse get(GetRequest request) {
            throw Status.UNAVAILABLE.withDescription("test: no server").asRuntimeException();
        }

        @Override
        public PrewriteResponse prewrite(PrewriteRequest request) {
            throw Status.UNAVAILABLE.asRuntimeException();
        }

        @Override
        public CommitResponse commit(CommitRequest request) {
            throw Status.UNAVAILABLE.asRuntimeException();
        }

        @Override
        public CheckTxnStatusResponse checkTxnStatus(CheckTxnStatusRequest request) {
            throw Status.UNAVAILABLE.asRuntimeException();
        }

        @Override
        public ResolveLockResponse resolveLock(ResolveLockRequest request, ByteString lockKey) {
            throw Status.UNAVAILABLE.asRuntimeException();
        }

        @Override
        public void rollbackPartialPrewrite(BatchRollbackRequest request) {
        }
    }
}
