package org.tinykv.lsm;

/**
 * Follows the contents of one column family as writes change them, so that its owner can keep an in-memory index
 * of them (the transaction layer keeps its live locks this way). Registered with
 * {@link Db#observe}.
 *
 * <p>What it is told, and when:
 * <ul>
 *   <li>when registered, while no write is in progress: {@link #put} for every live key, in key order;</li>
 *   <li>for every write: each put, delete and range delete of the family, in commit order, before the write is
 *       visible to readers (a snapshot that sees it was taken after the call);</li>
 *   <li>for an ingested file: {@link #put} for each of its puts, before the file is visible. Its deletions and
 *       range deletions are not reported (the ingestion may still fail after the call), so an observer may keep
 *       keys that are gone.</li>
 * </ul>
 *
 * <p>Threading: calls come from one thread at a time (the write leader, the ingesting thread, or the registering
 * thread), each happening-before the next. The arrays passed belong to the observer. An observer must not throw:
 * it runs inside the write path, after the write is logged.
 */
public interface CfObserver {
    /** {@code key} now has {@code value}. */
    void put(byte[] key, byte[] value);

    /** {@code key} was deleted. */
    void delete(byte[] key);

    /** Every key in {@code [begin, endExclusive)} was deleted. */
    void deleteRange(byte[] begin, byte[] endExclusive);
}
