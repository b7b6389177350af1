/** JMH benchmarks of the server's storage paths, run on demand with the {@code bench} profile. */
package org.tinykv.server.bench;
