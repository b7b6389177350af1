package org.tinykv.raft;

import com.google.protobuf.ByteString;

/**
 * The answer to a {@link RawNode#readIndex} request: once this node has applied up to {@code index}, a read
 * served from its state machine is linearizable.
 *
 * @param index   the commit index confirmed at the time of the request
 * @param context the caller's request context, identifying the request
 */
public record ReadState(long index, ByteString context) {
}
