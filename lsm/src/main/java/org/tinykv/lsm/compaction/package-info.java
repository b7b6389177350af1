/** Leveled compaction: picking inputs, merging with snapshot-aware garbage collection, and the filter hook. */
package org.tinykv.lsm.compaction;
