/**
 * Operators: sequences of steps (add peer, remove peer, transfer leader) applied to one region through the region
 * heartbeat stream, and the controller that sends, tracks, finishes and times them out (at most one per region,
 * limited per store and per kind).
 */
package org.tinykv.scheduler.operator;
