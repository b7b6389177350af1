package org.tinykv.server.raftkv;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.tinykv.txn.cases.GetScanCases;
import org.tinykv.txn.cases.TxnCaseKit;

/** txn's {@link GetScanCases} through gRPC on the leader of a 3-store replicated cluster, wiped before each case. */
class RaftGetScanIT extends GetScanCases {
    @RegisterExtension
    static final RaftTxnFixture CLUSTER = new RaftTxnFixture();

    @Override
    protected TxnCaseKit newKit() {
        return CLUSTER.freshKit();
    }
}
