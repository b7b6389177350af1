package org.tinykv.multiraft.peer;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.tinykv.proto.metapb.Region;

/**
 * How a peer takes part in splits ({@link Peer#setSplitHooks}).
 *
 * @param checkTicks   ticks between split checks while leader
 * @param sizeDiffHint bytes of writes proposed since the last check that make a new check worthwhile (a new
 *                   leader and both sides of a split are checked regardless)
 * @param check      gets this peer when its region should be checked for a split
 * @param split      gets every applied split and whether this peer led the region then; creates the new peer
 * @param sibling    the region on this store starting where the given one ends, or null (for EpochNotMatch)
 */
public record SplitHooks(long checkTicks, long sizeDiffHint, Consumer<Peer> check,
                         BiConsumer<ApplyResult.Split, Boolean> split, UnaryOperator<Region> sibling) {
}

