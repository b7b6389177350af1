/** Caches: decoded blocks bounded in bytes, and open table readers. */
package org.tinykv.lsm.cache;
