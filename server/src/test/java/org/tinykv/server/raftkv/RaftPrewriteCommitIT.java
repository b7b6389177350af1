package org.tinykv.server.raftkv;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.tinykv.txn.cases.PrewriteCommitCases;
import org.tinykv.txn.cases.TxnCaseKit;

/** txn's {@link PrewriteCommitCases} through gRPC on the leader of a 3-store replicated cluster, wiped before each case. */
class RaftPrewriteCommitIT extends PrewriteCommitCases {
    @RegisterExtension
    static final RaftTxnFixture CLUSTER = new RaftTxnFixture();

    @Override
    protected TxnCaseKit newKit() {
        return CLUSTER.freshKit();
    }
}
