package org.tinykv.lsm.key;

/**
 * A range deletion: every entry of a user key in {@code [begin, end)} with a sequence number below {@code seq} is
 * deleted.
 *
 * @param begin inclusive begin user key
 * @param end   exclusive end user key
 * @param seq   the sequence number of the deletion
 */
public record RangeTombstone(byte[] begin, byte[] end, long seq) {
}
