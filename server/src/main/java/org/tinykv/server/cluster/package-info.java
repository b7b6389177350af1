/**
 * The replicated store inside {@code tinykv-server}: its settings and the assembly of scheduler client, transport,
 * multiraft store and the KV API over regions.
 */
package org.tinykv.server.cluster;
