package org.tinykv.server;

import java.net.InetSocketAddress;

/**
 * A {@code HOST:PORT} address as written in flags and configuration files; IPv6 hosts are written in brackets
 * ({@code [::1]:20160}). Port 0 asks for any free port when binding.
 *
 * @param host the host name or literal address, without brackets
 * @param port 0..65535
 */
public record HostPort(String host, int port) {

    /** Checks the parts. */
    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("address has no host");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
    }

    /**
     * Parses {@code HOST:PORT}.
     *
     * @throws IllegalArgumentException with the offending text if it is not an address
     */
    public static HostPort parse(final String text) {
        if (text == null) {
            throw new IllegalArgumentException("address is missing");
        }
        final int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("address \"" + text + "\" is not HOST:PORT");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("address \"" + text + "\": write an IPv6 host in brackets");
        }
        final int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address \"" + text + "\" has a port that is not a number", e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("address \"" + text + "\" has a port outside 0..65535");
        }
        return new HostPort(host, port);
    }

    /** The address to bind or connect to (resolves the host name). */
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
