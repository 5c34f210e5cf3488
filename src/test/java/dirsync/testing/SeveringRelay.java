package dirsync.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 in front of a server (e.g. {@link S3ProxyServer}) that loses the network at a point of the
 * clients' traffic, not of time: once its clients have sent {@code severAfter} bytes in all, over every connection,
 * every connection is closed and each new one is closed as soon as it is accepted, until {@link #heal()}. However
 * loaded the machine, the loss lands after the same amount of traffic. Unlike {@link CuttingRelay}, which cuts each
 * connection alike for ever, this is one outage of everything, and then the network is back.
 */
public final class SeveringRelay implements AutoCloseable {

    private static final int CHUNK = 1 << 14;

    private final ServerSocket listener;
    private final int targetPort;
    private final AtomicLong upstream = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile long severAfter;
    private volatile boolean severed;
    private volatile boolean closed;

    private SeveringRelay(int targetPort, long severAfter) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getByName(OpenSshServer.ADDRESS));
        this.targetPort = targetPort;
        this.severAfter = severAfter;
        Thread acceptor = new Thread(this::accept, "severing-relay-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay to 127.0.0.1:{@code targetPort} that severs everything once clients have sent {@code severAfter}. */
    public static SeveringRelay to(int targetPort, long severAfter) throws IOException {
        return new SeveringRelay(targetPort, severAfter);
    }

    public int port() {
        return listener.getLocalPort();
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

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (severed) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket server = new Socket();
                server.connect(new InetSocketAddress(OpenSshServer.ADDRESS, targetPort));
                sockets.add(client);
                sockets.add(server);
                start(() -> pump(client, server, true));
                start(() -> pump(server, client, false));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private static void start(Runnable pump) {
        Thread thread = new Thread(pump, "severing-relay-pump");
        thread.setDaemon(true);
        thread.start();
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
        closeQuietly(from);
        closeQuietly(to);
    }

    /** Every connection closed; new ones are closed as they come, until healed. */
    private void sever() {
        severed = true;
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        sockets.forEach(SeveringRelay::closeQuietly);
    }
}
