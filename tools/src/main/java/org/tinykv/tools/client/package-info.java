/**
 * A region-routing TinyKV client in the manner of TinySQL's {@code store/tikv}: {@link
 * org.tinykv.tools.client.RegionCache} finds the region of a key and its leader from the scheduler and learns from
 * region errors; {@link org.tinykv.tools.client.ClusterClient} sends raw and transactional requests with the right
 * {@code kvrpcpb.Context}, one reused channel per store, retrying region errors and transport failures with bounded
 * backoff within an overall deadline.
 */
package org.tinykv.tools.client;
