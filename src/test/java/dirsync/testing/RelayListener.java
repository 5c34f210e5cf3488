package dirsync.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * What the test relays share ({@link CuttingRelay}, {@link SeveringRelay}): a listener on 127.0.0.1, the loop that
 * connects each client it accepts to the server at 127.0.0.1:{@code targetPort}, with one thread each way, the sockets
 * of every connection, and closing them. Which clients are relayed, what is copied over a connection and where it is
 * cut are the relay's own: the rule and the two {@link Pump}s it starts with. Made in two steps, so that a relay has
 * set its fields before any of its pumps runs: the listener bound ({@link #RelayListener}), then the accepting begun
 * ({@link #start}).
 */
final class RelayListener implements AutoCloseable {

    /** One direction of a connection: copies {@code from}'s bytes to {@code to}, on a thread of its own. */
    @FunctionalInterface
    interface Pump {
        void copy(Socket from, Socket to);
    }

    private final ServerSocket listener;
    private final int targetPort;
    private final String name;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Listens on 127.0.0.1:{@code port} ({@code 0}: a free one), not accepting yet; {@code name} names its threads. */
    RelayListener(int port, int targetPort, String name) throws IOException {
        this.listener = new ServerSocket(port, 50, InetAddress.getByName(OpenSshServer.ADDRESS));
        this.targetPort = targetPort;
        this.name = name;
    }

    /**
     * Accepts clients from now on, until {@link #close()}: each that {@code admits} is relayed by {@code up} (client to
     * server) and {@code down} (server to client), each on a thread of its own; one that it does not is closed at once.
     */
    void start(BooleanSupplier admits, Pump up, Pump down) {
        daemon(() -> accept(admits, up, down), name + "-accept-" + listener.getLocalPort());
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept(BooleanSupplier admits, Pump up, Pump down) {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (!admits.getAsBoolean()) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket server = new Socket();
                server.connect(new InetSocketAddress(OpenSshServer.ADDRESS, targetPort));
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                daemon(() -> up.copy(client, server), name + "-up");
                daemon(() -> down.copy(server, client), name + "-down");
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private static void daemon(Runnable work, String threadName) {
        Thread thread = new Thread(work, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Closes both sockets of every connection relayed so far; the listener goes on accepting. */
    void closeConnections() {
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** No client accepted any more, and every connection closed. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        closeConnections();
    }
}
