package dirsync.app;

import dirsync.fs.local.LocalNames;
import dirsync.sync.LogText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds out whether the server of an sftp:// replica shows this machine's own files at the same paths: a host
 * name cannot tell (an alias, an ssh config {@code HostName}, a forwarded port, another address of this host), so
 * a file holding a fresh random token is written here, in the state directory (outside the source and, once
 * checked, outside the replica), and read back over SFTP at the same absolute path. Only this machine's server
 * can show it; the file is deleted at once. Nothing is written on the server.
 *
 * <p>A server that shows this machine's files under other paths (a chroot, a container over bind mounts) is not
 * recognised: it looks like another host.
 */
final class SameHostProbe {

    private static final int TOKEN_BYTES = 16;
    /** The server may log in as another user; the umask may narrow it (then that user cannot tell). */
    private static final FileAttribute<?> READABLE_BY_ALL =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

    /** What the probe found. */
    sealed interface Verdict permits ThisHost, OtherHost, CannotTell {
    }

    /** The server showed the token: it sees this machine's files at the same paths. */
    record ThisHost() implements Verdict {
    }

    /** The server had no such file, or another: another machine, or one whose files are not this machine's. */
    record OtherHost() implements Verdict {
    }

    /** The probe could not be written here or read there (the reason says which, and why). */
    record CannotTell(String reason) implements Verdict {
    }

    /** Reads the start of a file on the server by its absolute path's bytes: empty if there is no such file. */
    @FunctionalInterface
    interface RemoteFiles {
        Optional<byte[]> read(byte[] absolutePath, int limit) throws IOException;
    }

    private SameHostProbe() {
    }

    /**
     * Writes a probe into {@code directory}, asks {@code server} for it, deletes it, and says what that showed.
     *
     * @throws IOException if the connection failed while asking: no answer, so no verdict
     */
    static Verdict run(Path directory, RemoteFiles server) throws IOException {
        byte[] random = new byte[TOKEN_BYTES];
        ThreadLocalRandom.current().nextBytes(random);
        byte[] content = ("dirsync same-host probe " + HexFormat.of().formatHex(random) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        Path probe;
        try {
            probe = TrustedFiles.writeNew(directory, "dirsync-probe-", content, READABLE_BY_ALL);
        } catch (IOException e) {
            return new CannotTell("cannot write a probe file in '" + LogText.escape(directory) + "': "
                    + LogText.reason(e));
        }
        try {
            Optional<byte[]> seen = server.read(LocalNames.absoluteBytes(probe), content.length + 1);
            return seen.isPresent() && Arrays.equals(seen.get(), content) ? new ThisHost() : new OtherHost();
        } catch (FileSystemException e) { // the server's answer: no permission, say
            return new CannotTell("the server cannot read the probe file '" + LogText.escape(probe)
                    + "' (if it is this host, the login user may lack access to that directory): "
                    + LogText.reason(e));
        } finally {
            try {
                Files.deleteIfExists(probe);
            } catch (IOException leftBehind) {
                // A stale probe is a few bytes in a shared directory, named as dirsync's; nothing reads it again.
            }
        }
    }
}
