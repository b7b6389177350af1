package org.tinykv.server.raftkv;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.tinykv.txn.cases.RollbackCheckResolveCases;
import org.tinykv.txn.cases.TxnCaseKit;

/** txn's {@link RollbackCheckResolveCases} through gRPC on the leader of a 3-store replicated cluster, wiped before each case. */
class RaftRollbackCheckResolveIT extends RollbackCheckResolveCases {
    @RegisterExtension
    static final RaftTxnFixture CLUSTER = new RaftTxnFixture();

    @Override
    protected TxnCaseKit newKit() {
        return CLUSTER.freshKit();
    }
}
