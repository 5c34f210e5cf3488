package dirsync.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 between a client and a server (e.g. dirsync and {@link OpenSshServer}) that counts the
 * bytes each way and can cut a connection after exactly N bytes from the client: the server then has received the
 * client's first N bytes and nothing more, then an end of stream; the client sees its connection closed.
 * A cut is placed by the bytes the client sent, not by time: however loaded the machine, it lands at the same point
 * of a client's stream that sends the same bytes. Each accepted connection is relayed and cut alike;
 * {@link #close()} ends all. Its listener and connections are a {@link RelayListener}'s; the cut is this class's.
 */
public final class CuttingRelay implements AutoCloseable {

    /** A cut that never comes. */
    public static final long NEVER = Long.MAX_VALUE;
    private static final int CHUNK = 1 << 14;

    private final long cutAfter;
    private final AtomicLong upstream = new AtomicLong();
    private final AtomicLong downstream = new AtomicLong();
    private final AtomicLong cuts = new AtomicLong();
    private final RelayListener relay;

    private CuttingRelay(int port, int targetPort, long cutAfter) throws IOException {
        this.cutAfter = cutAfter;
        this.relay = new RelayListener(port, targetPort, "relay");
        relay.start(() -> true, this::pumpUp, this::pumpDown);
    }

    /** A relay to 127.0.0.1:{@code targetPort} that cuts each connection after {@code cutAfter} client bytes. */
    public static CuttingRelay to(int targetPort, long cutAfter) throws IOException {
        return new CuttingRelay(0, targetPort, cutAfter);
    }

    /** The same, listening on {@code port} (a server that comes up where clients were refused until now). */
    public static CuttingRelay on(int port, int targetPort, long cutAfter) throws IOException {
        return new CuttingRelay(port, targetPort, cutAfter);
    }

    /** The port clients connect to. */
    public int port() {
        return relay.port();
    }

    /** Bytes relayed from clients to the server so far, over every connection. */
    public long upstream() {
        return upstream.get();
    }

    /** Bytes relayed from the server to clients so far, over every connection. */
    public long downstream() {
        return downstream.get();
    }

    /** How many connections were cut. */
    public long cuts() {
        return cuts.get();
    }

    /** Copies the client's bytes to the server until either end closes, or up to the cut; then closes both. */
    private void pumpUp(Socket client, Socket server) {
        byte[] buffer = new byte[CHUNK];
        long sent = 0; // this connection's
        try {
            InputStream in = client.getInputStream();
            OutputStream out = server.getOutputStream();
            while (sent < cutAfter) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, cutAfter - sent));
                if (read < 0) {
                    break;
                }
                out.write(buffer, 0, read);
                out.flush();
                sent += read;
                upstream.addAndGet(read);
            }
        } catch (IOException ended) {
            // one side closed: the other is closed below
        }
        // The server gets an end after the bytes it was sent, not a reset that could drop some of them; it then
        // closes its side, which ends the other pump.
        try {
            server.shutdownOutput();
        } catch (IOException ignored) {
            // already closed
        }
        if (sent == cutAfter) {
            cuts.incrementAndGet();
            RelayListener.closeQuietly(client);
        }
    }

    /**
     * Copies the server's bytes to the client until the server closes; once the client is gone (cut), reads the
     * server's to its end all the same, so that it takes every byte it was sent. Then closes both.
     */
    private void pumpDown(Socket server, Socket client) {
        byte[] buffer = new byte[CHUNK];
        boolean clientGone = false;
        try {
            InputStream in = server.getInputStream();
            OutputStream out = client.getOutputStream();
            for (int read; (read = in.read(buffer)) >= 0; ) {
                if (clientGone) {
                    continue;
                }
                try {
                    out.write(buffer, 0, read);
                    downstream.addAndGet(read);
                } catch (IOException cut) {
                    clientGone = true;
                }
            }
        } catch (IOException ended) {
            // the server's side closed
        }
        RelayListener.closeQuietly(server);
        RelayListener.closeQuietly(client);
    }

    @Override
    public void close() {
        relay.close();
    }
}
