package dirsync.fs.sftp;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import org.apache.sshd.client.channel.ChannelExec;

/**
 * A command running on the server over an exec channel of its own, read and written as it runs (not buffered to
 * its end as {@link RemoteConnection#exec} does): what it prints is read as a stream, so a long output is never
 * held whole. What it writes to its standard error is dropped. Closing ends the channel.
 */
final class RemoteCommand implements Closeable {

    private final ChannelExec channel;

    private RemoteCommand(ChannelExec channel) {
        this.channel = channel;
    }

    /** Starts {@code command} on an exec channel of {@code connection}'s session. */
    static RemoteCommand start(org.apache.sshd.client.session.ClientSession session, String command,
                               Duration timeout) throws IOException {
        ChannelExec channel = session.createExecChannel(command);
        try {
            channel.setErr(OutputStream.nullOutputStream());
            channel.open().verify(timeout);
            return new RemoteCommand(channel);
        } catch (IOException | RuntimeException e) {
            channel.close(true);
            throw e;
        }
    }

    /** The command's standard input. */
    OutputStream stdin() {
        return channel.getInvertedIn();
    }

    /** The command's standard output, as it comes. */
    InputStream stdout() {
        return channel.getInvertedOut();
    }

    /** The exit status once the command has ended and its channel closed, or null (killed, or not ended yet). */
    Integer exitStatus() {
        return channel.getExitStatus();
    }

    /** Waits (at most {@code timeout}) for the channel to close after the command's output has ended. */
    void awaitEnd(Duration timeout) {
        channel.waitFor(java.util.EnumSet.of(org.apache.sshd.client.channel.ClientChannelEvent.CLOSED,
                org.apache.sshd.client.channel.ClientChannelEvent.EXIT_STATUS), timeout);
    }

    @Override
    public void close() {
        channel.close(false);
    }
}
