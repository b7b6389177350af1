/**
 * Key latches: commands that touch the same keys run one at a time, unrelated commands run in parallel.
 */
package org.tinykv.txn.latch;
