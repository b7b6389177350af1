package org.tinykv.scheduler.config;

/** A HOST:PORT pair. Immutable. */
public record HostPort(String host, int port) {

    /** Parses {@code s} as HOST:PORT (port 0..65535); {@code what} names the setting in errors. */
    public static HostPort parse(String s, String what) {
        int i = s.lastIndexOf(':');
        if (i <= 0 || i == s.length() - 1) {
            throw new IllegalArgumentException(what + " must look like HOST:PORT, got " + s);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(i + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + ": bad port in " + s);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(what + ": port out of range in " + s);
        }
        return new HostPort(s.substring(0, i), port);
    }
}
