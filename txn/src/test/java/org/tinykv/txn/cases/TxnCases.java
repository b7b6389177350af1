package org.tinykv.txn.cases;

import org.junit.jupiter.api.BeforeEach;

/**
 * The base of every case class: a fresh {@link TxnCaseKit} over empty state before each test. A concrete test
 * class picks the backend by implementing {@link #newKit()}.
 */
public abstract class TxnCases {
    /** The kit of the running test. */
    protected TxnCaseKit kit;

    /** A kit over an API and engine that hold no data at all; called before every test. */
    protected abstract TxnCaseKit newKit() throws Exception;

    /** Gives every test its own fresh kit. */
    @BeforeEach
    public final void freshKit() throws Exception {
        kit = newKit();
    }
}
