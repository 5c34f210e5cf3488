package dirsync.fs.sftp;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * One open, authenticated SSH connection made by {@link SshConnector}: its client, its session and one SFTP
 * channel (protocol version 3, a {@code DefaultSftpClient} as {@link SftpTree#over} needs). Commands run on
 * further exec channels of the same session. Closing closes all three, quietly.
 * <p>
 * It is lost once the session or any of its SFTP channels has closed (MINA marks them closed before a request on
 * them fails), or once a request failed without an answer from the server ({@link #lost}): from then on it is
 * not open, and {@link #whyLost} says why.
 */
public final class RemoteConnection implements Closeable {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final SshClient client;
    private final ClientSession session;
    /** The first SFTP channel, being opened while the connection's first commands start (see SshConnector). */
    private final CompletableFuture<SftpClient> first;
    private final String description;
    private final Optional<String> addedHostKey;
    /** SFTP channels opened besides the first (see {@link #sftpChannels}). */
    private final List<SftpClient> extra = new CopyOnWriteArrayList<>();
    /** What the session met that closed it (an I/O error, a disconnect), as MINA told it; null if nothing. */
    private volatile String sessionEnd;
    /** Why the connection was declared lost ({@link #lost}), or null. */
    private volatile String lost;
    /** What was started for a replica's first pass as soon as the connection was up (see {@link #startAhead}). */
    private StartAhead ahead;
    private final Object aheadLock = new Object();

    RemoteConnection(SshClient client, ClientSession session, CompletableFuture<SftpClient> first, String description,
                     Optional<String> addedHostKey) {
        this.client = client;
        this.session = session;
        this.first = first;
        this.description = description;
        this.addedHostKey = addedHostKey;
        session.addSessionListener(new SessionListener() {
            @Override
            public void sessionException(Session closing, Throwable t) {
                noteSessionEnd(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
            }

            @Override
            public void sessionDisconnect(Session closing, int reason, String message, String language,
                                          boolean initiator) {
                if (!initiator) {
                    boolean said = message != null && !message.isBlank();
                    noteSessionEnd("the server disconnected" + (said ? " (" + message + ")" : ""));
                }
            }
        });
    }

    private synchronized void noteSessionEnd(String why) {
        if (sessionEnd == null) {
            sessionEnd = why;
        }
    }

    /** The SFTP channel (version 3). */
    public SftpClient sftp() throws IOException {
        return StartAhead.await(first);
    }

    /**
     * {@code count} SFTP channels: the first one and {@code count - 1} more, opened now on the same session, all at
     * once (OpenSSH serves each with a process of its own). They close with the connection.
     */
    public synchronized List<SftpClient> sftpChannels(int count) throws IOException {
        List<CompletableFuture<SftpClient>> opening = new ArrayList<>();
        for (int i = extra.size(); i < count - 1; i++) {
            // Each channel is three round trips (open, subsystem, version): all of them at once, not one by one.
            opening.add(StartAhead.onThreadOfItsOwn("dirsync-sftp-open", () -> SftpClientFactory.instance()
                    .createSftpClient(session, SftpVersionSelector.fixedVersionSelector(SshConnector.SFTP_VERSION))));
        }
        IOException failed = null;
        for (CompletableFuture<SftpClient> channel : opening) {
            try {
                extra.add(StartAhead.await(channel));
            } catch (IOException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        List<SftpClient> channels = new ArrayList<>();
        channels.add(sftp());
        channels.addAll(extra.subList(0, Math.max(0, count - 1)));
        return channels;
    }

    /**
     * Starts, in the background, what a replica at {@code rootText} needs of this connection before its first pass
     * (see {@link StartAhead}), once: a run calls it as soon as the connection is up, before its same-host check and
     * its lock, so that these round trips and the server's shell starts overlap them. None of it writes anything.
     */
    public StartAhead startAhead(String rootText) {
        synchronized (aheadLock) {
            if (ahead == null) {
                ahead = StartAhead.begin(this, rootText, RemoteReplica.CHANNELS);
            }
            return ahead;
        }
    }

    /** Whether the session and every SFTP channel are still open (false once the connection dropped). */
    public boolean isOpen() {
        return whyLost().isEmpty();
    }

    /**
     * Declares the connection lost: a request failed with {@code failure} and no answer of the server (it timed
     * out, the channel or the session closed, the bytes did not make sense). The connection is closed at once, so
     * that no other request waits on it; it stays lost whatever happens next.
     */
    public void lost(IOException failure) {
        synchronized (this) {
            if (lost == null) {
                // A closed session or channel is the cause, if there is one: the failure only followed from it.
                lost = closedBecause().orElse(failure.getMessage() != null ? failure.getMessage()
                        : failure.getClass().getSimpleName());
            }
        }
        session.close(true);
    }

    /** Why this connection can take no more requests (in words for a log line), or empty while it can. */
    public Optional<String> whyLost() {
        String declared = lost;
        return declared != null ? Optional.of(declared) : closedBecause();
    }

    /** What closed the session or one of the SFTP channels, or empty if all are open. */
    private Optional<String> closedBecause() {
        if (!session.isOpen()) {
            String noted = sessionEnd;
            return Optional.of(noted != null ? noted : "the server closed the connection");
        }
        // Asked at every stop check of a pass (through the tree's broken()): no copy of the channel list.
        Optional<String> closed = !first.isDone() ? Optional.empty() : first.isCompletedExceptionally()
                ? Optional.of("the SFTP channel could not be opened") : closedChannel(first.join());
        for (SftpClient channel : extra) {
            if (closed.isPresent()) {
                break;
            }
            closed = closedChannel(channel);
        }
        return closed;
    }

    private static Optional<String> closedChannel(SftpClient channel) {
        if (channel.isOpen()) {
            return Optional.empty();
        }
        String signal = channel.getClientChannel().getExitSignal();
        return Optional.of("the server closed an SFTP channel" + (signal == null ? "" : " (its process ended by "
                + "signal " + signal + ")"));
    }

    /** {@code user@host:port}, the host as connected to (after the ssh config's HostName). */
    public String describe() {
        return description;
    }

    /** The known_hosts line this connection added (under {@code --accept-new-host-key}), for the log. */
    public Optional<String> addedHostKey() {
        return addedHostKey;
    }

    /**
     * Runs {@code command} on the server (as ssh does: the user's shell reads it), sends it {@code stdin} and then
     * end of input, and waits for it to end.
     *
     * @throws SocketTimeoutException if it has not ended within {@code timeout} (its channel is then closed)
     * @throws IOException            if the channel cannot be opened, the connection drops, or the command ends
     *                                without an exit status (killed by a signal)
     */
    public ExecResult exec(String command, byte[] stdin, Duration timeout) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = session.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(timeout);
            try (OutputStream in = channel.getInvertedIn()) {
                in.write(stdin);
            }
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                channel.close(true);
                throw new SocketTimeoutException("'" + command + "' on " + description + " did not end within "
                        + timeout.toSeconds() + " s");
            }
            Integer status = channel.getExitStatus();
            if (status == null) {
                String signal = channel.getExitSignal();
                throw new IOException("'" + command + "' on " + description + " ended without an exit status"
                        + (signal == null ? "" : " (signal " + signal + ")"));
            }
            return new ExecResult(status, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** Starts {@code command} on the server, to be written and read as it runs (see {@link RemoteCommand}). */
    RemoteCommand start(String command, Duration timeout) throws IOException {
        return RemoteCommand.start(session, command, timeout);
    }

    /** Closes the SFTP channel, the session and the client; failures are ignored. */
    @Override
    public void close() {
        StartAhead started;
        synchronized (aheadLock) {
            started = ahead;
        }
        if (started != null) {
            started.close();
        }
        for (SftpClient channel : extra) {
            try {
                channel.close();
            } catch (IOException | RuntimeException ignored) {
                // Closing anyway.
            }
        }
        first.thenAccept(channel -> { // at once, or once it is open
            try {
                channel.close();
            } catch (IOException | RuntimeException ignored) {
                // Closing anyway.
            }
        });
        try {
            session.close(false).await(CLOSE_WAIT);
        } catch (IOException | RuntimeException ignored) {
            // Closing anyway.
        }
        try {
            client.stop();
        } catch (RuntimeException ignored) {
            // Closing anyway.
        }
    }
}
