package org.tinykv.server.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP proxy to one address that can turn into a black hole: from {@link #blackhole()} on, it keeps
 * every connection open but forwards nothing, as a network partition or a frozen machine looks to the peer.
 */
final class BlackholeProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean blackhole;

    BlackholeProxy(final String target) throws IOException {
        final int colon = target.lastIndexOf(':');
        this.targetHost = target.substring(0, colon);
        this.targetPort = Integer.parseInt(target.substring(colon + 1));
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        daemon(this::acceptLoop, "proxy-accept");
    }

    /** The proxy's own address. */
    String address() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Drops every byte from now on, in both directions, without closing anything. */
    void blackhole() {
        blackhole = true;
    }

    private void acceptLoop() {
        try {
            while (true) {
                final Socket in = listener.accept();
                final Socket out = new Socket(targetHost, targetPort);
                sockets.add(in);
                sockets.add(out);
                daemon(() -> pump(in, out), "proxy-up");
                daemon(() -> pump(out, in), "proxy-down");
            }
        } catch (final IOException closed) {
            // the proxy was closed
        }
    }

    private void pump(final Socket from, final Socket to) {
        final byte[] buf = new byte[16 << 10];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (!blackhole) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            }
        } catch (final IOException closed) {
            // either side closed
        }
    }

    private static void daemon(final Runnable r, final String name) {
        final Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (final Socket s : sockets) {
            s.close();
        }
    }
}
