/** The memtable: an arena-backed concurrent skip list of internal entries plus range tombstones. */
package org.tinykv.lsm.memtable;
