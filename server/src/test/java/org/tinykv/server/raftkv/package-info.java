/**
 * Tests of the replicated store behind the gRPC service: stores of multiraft on in-memory file systems with a
 * simulated network and real worker threads, each served by a {@code KvService} on 127.0.0.1 and driven through
 * gRPC stubs.
 */
package org.tinykv.server.raftkv;
