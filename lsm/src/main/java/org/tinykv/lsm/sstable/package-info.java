/** The table (SST) format: blocks, index, bloom filter, range tombstones, properties, footer; builder and reader. */
package org.tinykv.lsm.sstable;
