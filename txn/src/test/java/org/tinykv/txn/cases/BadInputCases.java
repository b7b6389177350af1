package org.tinykv.txn.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tinykv.txn.cases.TxnCaseKit.commit;
import static org.tinykv.txn.cases.TxnCaseKit.get;
import static org.tinykv.txn.cases.TxnCaseKit.k;
import static org.tinykv.txn.cases.TxnCaseKit.mut;
import static org.tinykv.txn.cases.TxnCaseKit.prewrite;
import static org.tinykv.txn.cases.TxnCaseKit.resolve;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tinykv.proto.kvrpcpb.Op;
import org.tinykv.proto.kvrpcpb.PrewriteResponse;
import org.tinykv.txn.engine.Modify;
import org.tinykv.txn.engine.TxnCf;
import org.tinykv.txn.types.MvccKey;

/** Malformed requests and corrupt stored records get clear errors and change nothing. */
public abstract class BadInputCases extends TxnCases {

    private void assertAbort(PrewriteResponse r, String fragment) {
        assertEquals(1, r.getErrorsCount(), r.toString());
        assertTrue(r.getErrors(0).getAbort().contains(fragment), r.getErrors(0).getAbort());
        kit.assertLens(0, 0, 0);
    }

    @Test
    public void emptyMutationList() {
        assertAbort(kit.api().prewrite(prewrite(100, k(1), 0)), "no mutations");
    }

    @Test
    public void prewriteWithoutPrimaryOrStartTsOrKey() {
        assertAbort(kit.api().prewrite(prewrite(100, new byte[0], 0, mut(Op.Put, k(1), k(1)))), "primary");
        assertAbort(kit.api().prewrite(prewrite(0, k(1), 0, mut(Op.Put, k(1), k(1)))), "start_version");
        assertAbort(kit.api().prewrite(prewrite(100, k(1), 0, mut(Op.Put, new byte[0], k(1)))), "empty key");
    }

    @Test
    public void prewriteWithRollbackOpIsRejected() {
        assertAbort(kit.api().prewrite(prewrite(100, k(1), 0,
                mut(Op.Put, k(2), k(2)), mut(Op.Rollback, k(1), k(1)))), "unsupported");
    }

    @Test
    public void commitVersionNotAfterStartVersion() {
        kit.prewritten(k(3), k(3), 100, 0, k(42));
        for (long commitTs : new long[] {100, 99, 0}) {
            String msg = kit.api().commit(commit(100, commitTs, k(3))).getError().getAbort();
            assertTrue(msg.contains("must be greater than start_version"), msg);
        }
        kit.assertLens(1, 1, 0);
        assertFalse(kit.api().resolveLock(resolve(100, 50)).getError().getAbort().isEmpty());
        kit.assertLens(1, 1, 0);
    }

    @Test
    public void commitOfKeysWithoutLocks() {
        String msg = kit.api().commit(commit(100, 110, k(9))).getError().getAbort();
        assertTrue(msg.contains("not prewritten"), msg);
        kit.assertLens(0, 0, 0);
    }

    @Test
    public void corruptLockRecordIsReportedNotThrown() {
        kit.engine().write(null, List.of(new Modify.Put(TxnCf.LOCK, MvccKey.lockKey(k(5)), k(9, 9))));
        assertFalse(kit.api().get(get(k(5), 100)).getError().getAbort().isEmpty());
        PrewriteResponse r = kit.api().prewrite(prewrite(100, k(5), 0, mut(Op.Put, k(5), k(1))));
        assertTrue(r.getErrors(0).getAbort().contains("lock record"), r.toString());
        assertFalse(kit.api().commit(commit(100, 110, k(5))).getError().getAbort().isEmpty());
        kit.assertLens(0, 1, 0);
    }
}
