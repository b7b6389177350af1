/**
 * The gRPC adapter: {@link org.tinykv.server.service.KvService} decodes TinyKV requests, calls storage and encodes
 * the responses. The RPCs it does not override answer {@code UNIMPLEMENTED} (the generated base class does so).
 */
package org.tinykv.server.service;
