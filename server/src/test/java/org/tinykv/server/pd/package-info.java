/**
 * Tests of the gRPC scheduler client against a fake scheduler on a loopback server ({@code *IT}).
 */
package org.tinykv.server.pd;
