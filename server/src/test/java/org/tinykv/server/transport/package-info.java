/**
 * Tests of the gRPC transport and the Raft/Snapshot endpoint: the receiving side driven directly (unit), both sides
 * on loopback servers, and three real multiraft stores replicating over gRPC ({@code *IT}).
 */
package org.tinykv.server.transport;
