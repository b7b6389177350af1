/**
 * Text formatting shared by the file inspectors {@code sst-dump} and {@code wal-inspect}: keys and values as hex and
 * as escaped printable text, and the common exit codes and error reporting of those tools.
 */
package org.tinykv.tools.format;
