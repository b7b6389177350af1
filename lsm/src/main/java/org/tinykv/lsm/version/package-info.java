/** Versions of the table set, version edits, the manifest, CURRENT and file naming. */
package org.tinykv.lsm.version;
