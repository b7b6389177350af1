/** JMH benchmarks of the raft module (run with -Pbench; never part of the test suite). */
package org.tinykv.raft.bench;
