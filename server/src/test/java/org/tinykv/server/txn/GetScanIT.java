package org.tinykv.server.txn;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.tinykv.txn.cases.GetScanCases;
import org.tinykv.txn.cases.TxnCaseKit;

/** txn's {@link GetScanCases} through gRPC on an in-JVM standalone server, wiped before each case. */
class GetScanIT extends GetScanCases {
    @RegisterExtension
    static final TxnServerFixture SERVER = new TxnServerFixture();

    @Override
    protected TxnCaseKit newKit() {
        return SERVER.freshKit();
    }
}
