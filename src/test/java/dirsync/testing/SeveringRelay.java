package dirsync.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of a server (e.g. {@link S3ProxyServer}) that loses the network at a point of the
 * clients' traffic, not of time: once its clients have sent {@code severAfter} bytes in all, over every connection,
 * every connection is closed and each new one is closed as soon as it is accepted, until {@link #heal()}. However
 * loaded the machine, the loss lands after the same amount of traffic. Unlike {@link CuttingRelay}, which cuts each
 * connection alike for ever, this is one outage of everything, and then the network is back. Its listener and
 * connections are a {@link RelayListener}'s; the rule of the outage is this class's.
 */
public final class SeveringRelay implements AutoCloseable {

    private static final int CHUNK = 1 << 14;

    private final AtomicLong upstream = new AtomicLong();
    private final RelayListener relay;
    private volatile long severAfter;
    private volatile boolean severed;

    private SeveringRelay(int targetPort, long severAfter) throws IOException {
        this.severAfter = severAfter;
        this.relay = new RelayListener(0, targetPort, "severing-relay");
        relay.start(() -> !severed, (client, server) -> pump(client, server, true),
                (server, client) -> pump(server, client, false));
    }

    /** A relay to 127.0.0.1:{@code targetPort} that severs everything once clients have sent {@code severAfter}. */
    public static SeveringRelay to(int targetPort, long severAfter) throws IOException {
        return new SeveringRelay(targetPort, severAfter);
    }

    public int port() {
        return relay.port();
    }

    /** Whether the network is down now. */
    public boolean severed() {
        return severed;
    }

    /** The network is back, and stays so: connections are relayed again, never severed. */
    public void heal() {
        severAfter = Long.MAX_VALUE;
        severed = false;
    }

    /** Copies one way until either end closes; the clients' bytes are counted, and the last one counted severs. */
    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int read; (read = in.read(buffer)) >= 0; ) {
                if (severed) {
                    break;
                }
                if (fromClient) {
                    long before = upstream.getAndAdd(read);
                    if (before + read >= severAfter) {
                        int allowed = (int) Math.max(0, severAfter - before);
                        out.write(buffer, 0, allowed);
                        sever();
                        break;
                    }
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException ended) {
            // one side closed
        }
        RelayListener.closeQuietly(from);
        RelayListener.closeQuietly(to);
    }

    /** Every connection closed; new ones are closed as they come, until healed. */
    private void sever() {
        severed = true;
        relay.closeConnections();
    }

    @Override
    public void close() {
        relay.close();
    }
}
