package org.tinykv.server.txn;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.tinykv.txn.cases.RollbackCheckResolveCases;
import org.tinykv.txn.cases.TxnCaseKit;

/** txn's {@link RollbackCheckResolveCases} through gRPC on an in-JVM standalone server, wiped before each case. */
class RollbackCheckResolveIT extends RollbackCheckResolveCases {
    @RegisterExtension
    static final TxnServerFixture SERVER = new TxnServerFixture();

    @Override
    protected TxnCaseKit newKit() {
        return SERVER.freshKit();
    }
}
