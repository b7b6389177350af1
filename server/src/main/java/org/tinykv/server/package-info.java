/**
 * The {@code tinykv-server} process: command line ({@link org.tinykv.server.TinyKvServerMain}), configuration
 * ({@link org.tinykv.server.ServerConfig}, loaded from TOML by {@link org.tinykv.server.TomlConfig}) and the
 * lifecycle of a running store ({@link org.tinykv.server.TinyKvServer}).
 */
package org.tinykv.server;
