package org.tinykv.server.txn;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.tinykv.txn.cases.RollbackCheckResolveCases;
import org.tinykv.txn.cases.TxnCaseKit;

/** txn's {@link RollbackCheckResolveCases} through gRPC on an in-JVM standalone server, wiped before each case. */
class RollbackCheckResolveIT extends RollbackCheckResolveCases {
    @TempDir
    static Path dir;
    private static TxnServerFixture server;

    @BeforeAll
    static void start() throws Exception {
        server = TxnServerFixture.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected TxnCaseKit newKit() {
        return server.freshKit();
    }
}
