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
 * A TCP relay on 127.0.0.1 between a client and a server (e.g. dirsync and {@link OpenSshServer}) that counts the
 * bytes each way and can cut a connection after exactly N bytes from the client: the server then has received the
 * client's first N bytes and nothing more, and both ends see the connection drop (the relay closes both sockets).
 * A cut is placed in the client's byte stream, not in time, so it lands at the same point of the conversation
 * however loaded the machine is. Each accepted connection is relayed and cut alike; {@link #close()} ends all.
 */
public final class CuttingRelay implements AutoCloseable {

    /** A cut that never comes. */
    public static final long NEVER = Long.MAX_VALUE;
    private static final int CHUNK = 1 << 14;

    private final ServerSocket listener;
    private final int targetPort;
    private final long cutAfter;
    private final AtomicLong upstream = new AtomicLong();
    private final AtomicLong downstream = new AtomicLong();
    private final AtomicLong cuts = new AtomicLong();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private CuttingRelay(int targetPort, long cutAfter) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getByName(OpenSshServer.ADDRESS));
        this.targetPort = targetPort;
        this.cutAfter = cutAfter;
        Thread acceptor = new Thread(this::accept, "relay-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay to 127.0.0.1:{@code targetPort} that cuts each connection after {@code cutAfter} client bytes. */
    public static CuttingRelay to(int targetPort, long cutAfter) throws IOException {
        return new CuttingRelay(targetPort, cutAfter);
    }

    /** The port clients connect to. */
    public int port() {
        return listener.getLocalPort();
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

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                Socket server = new Socket();
                server.connect(new InetSocketAddress(OpenSshServer.ADDRESS, targetPort));
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                AtomicLong sent = new AtomicLong(); // this connection's client bytes
                start(() -> pump(client, server, sent, true), "relay-up");
                start(() -> pump(server, client, sent, false), "relay-down");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private static void start(Runnable pump, String name) {
        Thread thread = new Thread(pump, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Copies {@code from} to {@code to} until either ends; the client's side stops at the cut and closes both. */
    private void pump(Socket from, Socket to, AtomicLong sent, boolean fromClient) {
        byte[] buffer = new byte[CHUNK];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                if (!fromClient) {
                    out.write(buffer, 0, read);
                    downstream.addAndGet(read);
                    continue;
                }
                long room = cutAfter - sent.get();
                int passed = (int) Math.min(read, room);
                out.write(buffer, 0, passed);
                out.flush();
                sent.addAndGet(passed);
                upstream.addAndGet(passed);
                if (passed < read || sent.get() == cutAfter) {
                    cuts.incrementAndGet();
                    break;
                }
            }
        } catch (IOException ended) {
            // one side closed: the other is closed below
        }
        closeQuietly(from);
        closeQuietly(to);
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
        sockets.forEach(CuttingRelay::closeQuietly);
    }
}
