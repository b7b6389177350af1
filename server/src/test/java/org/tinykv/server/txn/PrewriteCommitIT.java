package org.tinykv.server.txn;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.tinykv.txn.cases.PrewriteCommitCases;
import org.tinykv.txn.cases.TxnCaseKit;

/** txn's {@link PrewriteCommitCases} through gRPC on an in-JVM standalone server, wiped before each case. */
class PrewriteCommitIT extends PrewriteCommitCases {
    @RegisterExtension
    static final TxnServerFixture SERVER = new TxnServerFixture();

    @Override
    protected TxnCaseKit newKit() {
        return SERVER.freshKit();
    }
}
