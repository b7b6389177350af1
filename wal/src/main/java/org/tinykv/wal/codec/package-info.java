/** Byte codecs shared by every format: little-endian fixed integers, varints and masked CRC32C. */
package org.tinykv.wal.codec;
