import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;

/**
 * A TCP relay that puts a network between a client and a server on one host: a round-trip delay and a bandwidth
 * cap per direction, as a real link has them (these kernels have no netem). Single-file program:
 *
 * <pre>
 * java src/bench/NetRelay.java --to 127.0.0.1:SSHPORT [--listen 127.0.0.1:0] [--rtt-ms 20] [--mbit 100]
 *      [--control FILE] [--port-file FILE] [--queue-kb N] [--segment BYTES] [-v]
 * java src/bench/NetRelay.java --selftest [--rtt-ms 20] [--mbit 100] [--mib 64]
 * </pre>
 *
 * Each direction of each connection is a link of its own: a serialising queue at the cap (a segment leaves
 * once the link has sent everything before it, and takes size / rate to send) followed by a delay line of
 * RTT / 2 (every segment is delivered RTT / 2 after it left the queue, in order, without waiting for the
 * segments behind it). A request/response therefore costs one RTT plus the time to send both at the cap, and a
 * bulk transfer runs at the cap plus RTT / 2. Reads are cut into segments of {@code --segment} bytes (default
 * 4096), so a segment is delivered only after all of it was sent (store and forward, as a router does with a
 * packet). The queue waiting to be sent holds at most {@code --queue-kb} (default: one bandwidth-delay product,
 * at least 64 KiB); while it is full the relay stops reading, so the sender sees TCP backpressure, as from a
 * router's full buffer. The bytes on the delay line are not limited (they are rate x RTT / 2 at most with a
 * cap; without a cap, at most 256 MiB are held).
 *
 * {@code --control FILE}: a line "RTT_MS MBIT" in FILE sets the link of each new connection (read at accept;
 * MBIT 0 = no cap), so that one relay on one port serves all the settings of a benchmark run. Without it the
 * command line's values hold. The listening port (0 = a free one) is printed on stdout and written to
 * {@code --port-file} once the relay listens. {@code -v} logs each connection's setting and bytes on stderr.
 *
 * {@code --selftest} measures a relay of its own against an in-process server: the median of 20 one-byte
 * request/response round trips, and {@code --mib} MiB sent one way (checked by CRC) with a one-byte answer,
 * against what the setting predicts. Exit 1 if the data arrived wrong.
 */
public final class NetRelay {

    private static final long HOLD_LIMIT = 256L << 20;

    private final InetSocketAddress target;
    private final Path control;
    private final int segment;
    private final long queueBytesOption;
    private final boolean verbose;
    private volatile Setting fixed;
    private final AtomicInteger connections = new AtomicInteger();

    record Setting(double rttMs, double mbit) {
        long oneWayNanos() {
            return Math.round(rttMs * 1e6 / 2);
        }

        /** Nanoseconds to send n bytes at the cap; 0 without a cap. */
        long sendNanos(long n) {
            return mbit <= 0 ? 0 : Math.round(n * 8 * 1e3 / mbit);
        }

        @Override
        public String toString() {
            return (rttMs == Math.rint(rttMs) ? String.valueOf((long) rttMs) : String.valueOf(rttMs)) + " ms, "
                    + (mbit <= 0 ? "no cap" : (mbit == Math.rint(mbit) ? String.valueOf((long) mbit) : String.valueOf(mbit)) + " Mbit/s");
        }
    }

    private NetRelay(InetSocketAddress target, Setting setting, Path control, int segment, long queueBytes, boolean verbose) {
        this.target = target;
        this.fixed = setting;
        this.control = control;
        this.segment = segment;
        this.queueBytesOption = queueBytes;
        this.verbose = verbose;
    }

    public static void main(String[] args) throws Exception {
        String listen = "127.0.0.1:0";
        String to = null;
        double rtt = 0;
        double mbit = 0;
        Path control = null;
        Path portFile = null;
        int segment = 4096;
        long queueKb = -1;
        boolean verbose = false;
        boolean selftest = false;
        int mib = 64;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--listen" -> listen = value(args, ++i, a);
                case "--to" -> to = value(args, ++i, a);
                case "--rtt-ms" -> rtt = Double.parseDouble(value(args, ++i, a));
                case "--mbit" -> mbit = Double.parseDouble(value(args, ++i, a));
                case "--control" -> control = Path.of(value(args, ++i, a));
                case "--port-file" -> portFile = Path.of(value(args, ++i, a));
                case "--segment" -> segment = Integer.parseInt(value(args, ++i, a));
                case "--queue-kb" -> queueKb = Long.parseLong(value(args, ++i, a));
                case "--mib" -> mib = Integer.parseInt(value(args, ++i, a));
                case "-v" -> verbose = true;
                case "--selftest" -> selftest = true;
                case "-h", "--help" -> usage(0);
                default -> {
                    System.err.println("NetRelay: unknown argument " + a);
                    usage(2);
                }
            }
        }
        if (rtt < 0 || mbit < 0 || segment < 1) {
            System.err.println("NetRelay: --rtt-ms and --mbit must be >= 0, --segment >= 1");
            System.exit(2);
        }
        Setting setting = new Setting(rtt, mbit);
        long queueBytes = queueKb < 0 ? -1 : queueKb * 1024;
        if (selftest) {
            System.exit(selftest(setting, segment, queueBytes, mib));
        }
        if (to == null) {
            System.err.println("NetRelay: --to HOST:PORT is required");
            usage(2);
        }
        NetRelay relay = new NetRelay(address(to), setting, control, segment, queueBytes, verbose);
        ServerSocket server = relay.listen(address(listen));
        int port = server.getLocalPort();
        System.out.println(port);
        System.out.flush();
        if (portFile != null) {
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, port + "\n");
            Files.move(tmp, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        System.err.println("NetRelay: " + server.getLocalSocketAddress() + " -> " + relay.target + ", "
                + (control != null ? "setting from " + control + " at each connection" : setting));
        relay.serve(server);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println("NetRelay: " + option + " needs a value");
            usage(2);
        }
        return args[i];
    }

    private static void usage(int code) {
        System.err.println("usage: java NetRelay.java --to HOST:PORT [--listen HOST:PORT] [--rtt-ms MS] [--mbit M]\n"
                + "                 [--control FILE] [--port-file FILE] [--queue-kb N] [--segment BYTES] [-v]\n"
                + "       java NetRelay.java --selftest [--rtt-ms MS] [--mbit M] [--mib N]");
        System.exit(code);
    }

    private static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            System.err.println("NetRelay: not HOST:PORT: " + hostPort);
            System.exit(2);
        }
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private ServerSocket listen(InetSocketAddress at) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        // A small receive buffer: the relay's own queue, not the kernel's, is what the sender waits for.
        server.setReceiveBufferSize(256 * 1024);
        server.bind(at, 128);
        return server;
    }

    private void serve(ServerSocket server) throws IOException {
        while (true) {
            Socket client = server.accept();
            Setting s = currentSetting();
            int id = connections.incrementAndGet();
            Thread t = new Thread(() -> connect(id, client, s), "relay-" + id);
            t.setDaemon(true);
            t.start();
        }
    }

    private Setting currentSetting() {
        if (control == null) {
            return fixed;
        }
        try {
            String[] f = Files.readString(control, StandardCharsets.UTF_8).trim().split("\\s+");
            fixed = new Setting(Double.parseDouble(f[0]), Double.parseDouble(f[1]));
        } catch (IOException | RuntimeException e) {
            System.err.println("NetRelay: cannot read " + control + " (" + e + "); keeping " + fixed);
        }
        return fixed;
    }

    private long queueBytes(Setting s) {
        if (queueBytesOption >= 0) {
            return queueBytesOption;
        }
        long bdp = s.mbit() <= 0 ? 0 : Math.round(s.mbit() * 1e6 / 8 * s.rttMs() / 1e3);
        return Math.max(64 * 1024, bdp);
    }

    private void connect(int id, Socket client, Setting s) {
        Socket upstream = new Socket();
        try {
            upstream.setReceiveBufferSize(256 * 1024);
            upstream.connect(target);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            System.err.println("NetRelay: connection " + id + ": cannot reach " + target + ": " + e.getMessage());
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        long t0 = System.nanoTime();
        Pipe up = new Pipe("up", client, upstream, s, segment, queueBytes(s));
        Pipe down = new Pipe("down", upstream, client, s, segment, queueBytes(s));
        up.start(id);
        down.start(id);
        up.join();
        down.join();
        closeQuietly(client);
        closeQuietly(upstream);
        if (verbose) {
            System.err.printf("NetRelay: connection %d (%s): %d bytes up, %d down, %.3f s%n", id, s, up.bytes, down.bytes,
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** A segment on the link: bytes [off, off+len) of data, to be written at deliverAt; len < 0 is the end. */
    private record Segment(byte[] data, int off, int len, long deliverAt) {
    }

    /**
     * One direction: a reader thread puts what it reads on the link (serialised at the cap, then delayed), a
     * writer thread delivers each segment at its time.
     */
    private static final class Pipe {
        private final String name;
        private final Socket from;
        private final Socket to;
        private final Setting setting;
        private final int segment;
        private final long queueNanos;
        private final ArrayDeque<Segment> line = new ArrayDeque<>();
        private long held; // bytes on the line (queued or in flight), guarded by line
        private long linkFreeAt = System.nanoTime(); // when the link has sent everything put on it so far
        private volatile boolean broken;
        private Thread reader;
        private Thread writer;
        volatile long bytes;

        Pipe(String name, Socket from, Socket to, Setting setting, int segment, long queueBytes) {
            this.name = name;
            this.from = from;
            this.to = to;
            this.setting = setting;
            this.segment = segment;
            this.queueNanos = setting.mbit() <= 0 ? 0 : setting.sendNanos(queueBytes);
        }

        void start(int id) {
            reader = new Thread(this::read, "relay-" + id + "-" + name + "-read");
            writer = new Thread(this::write, "relay-" + id + "-" + name + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        void join() {
            try {
                reader.join();
                writer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void read() {
            try (InputStream in = from.getInputStream()) {
                byte[] buf = new byte[64 * 1024];
                while (!broken) {
                    int n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    byte[] data = Arrays.copyOf(buf, n);
                    // without a cap nothing is serialised: a read is one segment
                    int step = setting.mbit() <= 0 ? n : segment;
                    for (int off = 0; off < n; off += step) {
                        put(data, off, Math.min(step, n - off));
                    }
                }
            } catch (IOException e) {
                breakBoth();
            } finally {
                put(null, 0, -1);
            }
        }

        /** Waits while the send queue is full, then schedules the segment. */
        private void put(byte[] data, int off, int len) {
            long now = System.nanoTime();
            if (setting.mbit() > 0 && len > 0) {
                // the queue not yet sent: linkFreeAt - now of sending time; wait until this one fits
                while (linkFreeAt - now > queueNanos && !broken) {
                    LockSupport.parkNanos(linkFreeAt - now - queueNanos);
                    now = System.nanoTime();
                }
            }
            long start = now - linkFreeAt > 0 ? now : linkFreeAt;
            long sent = start + setting.sendNanos(Math.max(0, len));
            linkFreeAt = sent;
            Segment seg = new Segment(data, off, len, sent + setting.oneWayNanos());
            synchronized (line) {
                while (len > 0 && held > HOLD_LIMIT && !broken) {
                    try {
                        line.wait(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                line.addLast(seg);
                held += Math.max(0, len);
                line.notifyAll();
            }
        }

        private void write() {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Segment seg;
                    synchronized (line) {
                        while (line.isEmpty() && !broken) {
                            line.wait();
                        }
                        if (broken) {
                            return;
                        }
                        seg = line.peekFirst();
                    }
                    long wait;
                    while ((wait = seg.deliverAt() - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    if (seg.len() < 0) {
                        to.shutdownOutput();
                        return;
                    }
                    // the segments behind it that are due too and continue it in the same read go in one write
                    int len = seg.len();
                    int count = 1;
                    synchronized (line) {
                        long now = System.nanoTime();
                        var it = line.iterator();
                        it.next();
                        while (it.hasNext()) {
                            Segment next = it.next();
                            if (next.data() != seg.data() || next.off() != seg.off() + len || next.deliverAt() - now > 0) {
                                break;
                            }
                            len += next.len();
                            count++;
                        }
                    }
                    out.write(seg.data(), seg.off(), len);
                    bytes += len;
                    synchronized (line) {
                        for (int i = 0; i < count; i++) {
                            line.removeFirst();
                        }
                        held -= len;
                        line.notifyAll();
                    }
                }
            } catch (IOException e) {
                breakBoth();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** A reset or error on either side: both sockets closed, both threads end. */
        private void breakBoth() {
            broken = true;
            synchronized (line) {
                line.notifyAll();
            }
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    // ---------------------------------------------------------------------------------------- self-test

    private static int selftest(Setting s, int segment, long queueBytes, int mib) throws Exception {
        ServerSocket echo = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread server = new Thread(() -> serveSelftest(echo), "selftest-server");
        server.setDaemon(true);
        server.start();
        NetRelay relay = new NetRelay(new InetSocketAddress(InetAddress.getLoopbackAddress(), echo.getLocalPort()), s,
                null, segment, queueBytes, false);
        ServerSocket front = relay.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread relayThread = new Thread(() -> {
            try {
                relay.serve(front);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "selftest-relay");
        relayThread.setDaemon(true);
        relayThread.start();

        System.out.println("setting: " + s + ", segment " + segment + " B, send queue "
                + relay.queueBytes(s) / 1024 + " KiB");
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), front.getLocalPort())) {
            c.setTcpNoDelay(true);
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            // 1. ping-pong: 'p' -> 'p'
            long[] rtts = new long[21];
            for (int i = 0; i < rtts.length; i++) {
                long t0 = System.nanoTime();
                out.write('p');
                out.flush();
                if (in.read() != 'p') {
                    System.out.println("FAIL: ping answer");
                    return 1;
                }
                rtts[i] = System.nanoTime() - t0;
            }
            long[] measured = Arrays.copyOfRange(rtts, 1, rtts.length); // the first one warms up
            Arrays.sort(measured);
            double expectRtt = (2 * s.oneWayNanos() + 2 * s.sendNanos(1)) / 1e6;
            System.out.printf("request/response, 1 byte each way, median of %d: %.2f ms (min %.2f, max %.2f); expected %.2f ms%n",
                    measured.length, measured[measured.length / 2] / 1e6, measured[0] / 1e6,
                    measured[measured.length - 1] / 1e6, expectRtt);
            // 2. bulk: 'b' + 8-byte length + data + 8-byte CRC -> 'k' (CRC matched) or 'x'
            long total = (long) mib << 20;
            byte[] block = new byte[1 << 20];
            new SplittableRandom(7).nextBytes(block);
            CRC32 crc = new CRC32();
            long t0 = System.nanoTime();
            out.write('b');
            out.write(longBytes(total));
            for (long sent = 0; sent < total; sent += block.length) {
                int n = (int) Math.min(block.length, total - sent);
                out.write(block, 0, n);
                crc.update(block, 0, n);
            }
            out.write(longBytes(crc.getValue()));
            out.flush();
            int answer = in.read();
            double secs = (System.nanoTime() - t0) / 1e9;
            double expect = (s.sendNanos(total + 17) + 2 * s.oneWayNanos() + s.sendNanos(1)) / 1e9;
            double mbitGot = total * 8 / 1e6 / Math.max(1e-9, secs - 2 * s.oneWayNanos() / 1e9);
            System.out.printf("%d MiB one way, then a 1-byte answer: %.3f s (%.1f Mbit/s after the RTT); expected %.3f s%s%n",
                    mib, secs, mbitGot, expect, s.mbit() <= 0 ? " (no cap: the floor)" : "");
            if (answer != 'k') {
                System.out.println("FAIL: the data arrived changed (CRC)");
                return 1;
            }
            System.out.println("data: CRC matched, in order");
        }
        return 0;
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
        return b;
    }

    private static void serveSelftest(ServerSocket echo) {
        try (Socket s = echo.accept()) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[1 << 16];
            int op;
            while ((op = in.read()) >= 0) {
                if (op == 'p') {
                    out.write('p');
                    out.flush();
                } else if (op == 'b') {
                    long total = readLong(in);
                    CRC32 crc = new CRC32();
                    long left = total;
                    while (left > 0) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            return;
                        }
                        crc.update(buf, 0, n);
                        left -= n;
                    }
                    out.write(readLong(in) == crc.getValue() ? 'k' : 'x');
                    out.flush();
                }
            }
        } catch (IOException e) {
            System.out.println("selftest server: " + e);
        }
    }

    private static long readLong(InputStream in) throws IOException {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream");
            }
            v = (v << 8) | b;
        }
        return v;
    }
}
