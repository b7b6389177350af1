/**
 * Region split: the split checker (off the raft thread) that measures a region's data and picks a user-key
 * boundary, the Split admin command, and the region arithmetic applied on every peer (left keeps the id with
 * end = split key, right gets the new ids; both versions + 1).
 */
package org.tinykv.multiraft.operation.split;
