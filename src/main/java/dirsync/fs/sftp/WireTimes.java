package dirsync.fs.sftp;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * The times a server is sent, in whole seconds: SFTP v3 carries them in an unsigned 32-bit field (1970 to 2106),
 * and OpenSSH's server reads them so, so a file dated 2040 keeps its date there. Another server may read them as
 * signed: MINA's stops answering after a SETSTAT with a time from 2^31 on (2038), so those go only to OpenSSH. A
 * time outside what the server is sent is an error for that entry alone, said before anything of it is sent.
 */
final class WireTimes {

    private static final long UNSIGNED_MAX = 0xFFFF_FFFFL;
    private static final long SIGNED_MAX = Integer.MAX_VALUE;

    private final long max;

    private WireTimes(long max) {
        this.max = max;
    }

    /** The times sent to a server that is OpenSSH's ({@code openSsh}) or another. */
    static WireTimes of(boolean openSsh) {
        return new WireTimes(openSsh ? UNSIGNED_MAX : SIGNED_MAX);
    }

    /** {@code time} in whole seconds (rounded down), or an error if this server cannot be sent it. */
    long seconds(FileTime time) throws IOException {
        long seconds = SftpEntries.seconds(time);
        if (seconds < 0 || seconds > max) {
            throw new IOException("its time " + time + " cannot be carried over SFTP: this server is sent times from "
                    + Instant.EPOCH + " to " + Instant.ofEpochSecond(max)
                    + (max == SIGNED_MAX ? " (to 2106 only where it is OpenSSH's)" : ""));
        }
        return seconds;
    }
}
