/**
 * {@code sst-dump}: prints and verifies table files (docs/formats/sst.md) through the engine's own table readers
 * ({@link org.tinykv.lsm.sstable.TableReader}, {@link org.tinykv.lsm.sstable.Footer},
 * {@link org.tinykv.lsm.sstable.Block}, {@link org.tinykv.lsm.sstable.TableProperties}). Main class:
 * {@link org.tinykv.tools.sst.SstDump}.
 */
package org.tinykv.tools.sst;
