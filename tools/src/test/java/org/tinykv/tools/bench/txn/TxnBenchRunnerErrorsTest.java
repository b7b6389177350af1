package org.tinykv.tools.bench.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
            public CompletableFuture<Long> nextAsync() {
                return CompletableFuture.completedFuture(ts.incrementAndGet());
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
        private static <T> CompletableFuture<T> unavailable() {
            return CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("test: no server")
                .asRuntimeException());
        }

        @Override
        public CompletableFuture<GetResponse> get(GetRequest request) {
            return unavailable();
        }

        @Override
        public CompletableFuture<PrewriteResponse> prewrite(PrewriteRequest request) {
            return unavailable();
        }

        @Override
        public CompletableFuture<CommitResponse> commit(CommitRequest request) {
            return unavailable();
        }

        @Override
        public CompletableFuture<CheckTxnStatusResponse> checkTxnStatus(CheckTxnStatusRequest request) {
            return unavailable();
        }

        @Override
        public CompletableFuture<ResolveLockResponse> resolveLock(ResolveLockRequest request, ByteString lockKey) {
            return unavailable();
        }

        @Override
        public CompletableFuture<Void> rollbackPartialPrewrite(BatchRollbackRequest request) {
            return CompletableFuture.completedFuture(null);
        }
    }
}
