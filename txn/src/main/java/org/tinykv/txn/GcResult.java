package org.tinykv.txn;

/**
 * What a GC pass did. Immutable value.
 *
 * @param keysScanned user keys examined
 * @param versionsRemoved write records removed (with their values)
 */
public record GcResult(long keysScanned, long versionsRemoved) {
}
