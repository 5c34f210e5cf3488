package dirsync.fs.sftp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * An OpenSSH known_hosts file, read as ssh reads it: plain and hashed ({@code |1|salt|hash}) host patterns,
 * {@code [host]:port} for ports other than 22, wildcards and negations (MINA's {@link KnownHostEntry} does the
 * matching). A key marked {@code @revoked} is refused for every host, whatever the line's host patterns (MINA's
 * matching would not apply {@code @revoked *} to a port other than 22, as ssh does). {@code @cert-authority} lines
 * are ignored: host certificates are not used. Lines that cannot be read are skipped, as ssh skips them.
 */
final class KnownHosts {

    /** What the file says about a host's key. */
    enum Verdict {
        /** A line for the host holds this key. */
        KNOWN,
        /** No line for the host holds a key of this type. */
        UNKNOWN,
        /** A line for the host holds another key of this type, and none holds this one. */
        CHANGED,
        /** A line marks this key {@code @revoked}. */
        REVOKED
    }

    /** A verdict, and for CHANGED the number of the first line with the other key. */
    record Check(Verdict verdict, int line) {
    }

    private record Line(int number, KnownHostEntry entry, String keyType, PublicKey key) {
    }

    private static final String REVOKED_MARKER = "revoked";
    private static final String CA_MARKER = "cert-authority";

    private final Path file;
    private final List<Line> lines;

    private KnownHosts(Path file, List<Line> lines) {
        this.file = file;
        this.lines = lines;
    }

    /**
     * Reads {@code file}; a missing file knows no host.
     *
     * @throws SshSetupException if it exists and cannot be read
     */
    static KnownHosts read(Path file) throws IOException {
        List<String> text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        } catch (NoSuchFileException missing) {
            text = List.of();
        } catch (IOException unreadable) {
            throw new SshSetupException("cannot read the known hosts file " + file + ": " + unreadable, unreadable);
        }
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(line);
                if (entry == null || entry.getKeyEntry() == null || CA_MARKER.equals(entry.getMarker())) {
                    continue;
                }
                PublicKey key = entry.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
                String type = KeyUtils.getCanonicalKeyType(entry.getKeyEntry().getKeyType());
                lines.add(new Line(i + 1, entry, type, key));
            } catch (IOException | GeneralSecurityException | RuntimeException unreadable) {
                // A line ssh would not read either (a key type unknown here, a damaged line): not ours to judge.
            }
        }
        return new KnownHosts(file, List.copyOf(lines));
    }

    Path file() {
        return file;
    }

    /** What the file says about {@code key} as the key of {@code host} on {@code port}. */
    Check check(String host, int port, PublicKey key) {
        String type = KeyUtils.getCanonicalKeyType(KeyUtils.getKeyType(key));
        boolean known = false;
        int changedLine = 0;
        for (Line line : lines) {
            boolean same = line.key() != null && KeyUtils.compareKeys(line.key(), key);
            if (same && REVOKED_MARKER.equals(line.entry().getMarker())) {
                return new Check(Verdict.REVOKED, line.number());
            }
            if (!line.entry().isHostMatch(host, port)) {
                continue;
            }
            if (same) {
                known = true;
            } else if (changedLine == 0 && line.keyType().equals(type)
                    && !REVOKED_MARKER.equals(line.entry().getMarker())) {
                changedLine = line.number();
            }
        }
        if (known) {
            return new Check(Verdict.KNOWN, 0);
        }
        return changedLine > 0 ? new Check(Verdict.CHANGED, changedLine) : new Check(Verdict.UNKNOWN, 0);
    }

    /**
     * The key types known for {@code host} on {@code port} (canonical names, e.g. {@code ssh-rsa}), in file order:
     * the key exchange asks for these first, as ssh does, so that a host known by one key type is not met with
     * another.
     */
    Set<String> keyTypes(String host, int port) {
        Set<String> types = new LinkedHashSet<>();
        for (Line line : lines) {
            if (line.key() != null && !REVOKED_MARKER.equals(line.entry().getMarker())
                    && line.entry().isHostMatch(host, port)) {
                types.add(line.keyType());
            }
        }
        return types;
    }

    /**
     * Appends {@code name key-type base64} (OpenSSH's format, not hashed) to the file. The file is made (mode 600)
     * if missing, and its directory (mode 700); a last line without its newline gets one first.
     *
     * @param name the host as known_hosts names it: {@code host}, or {@code [host]:port} when the port is not 22
     */
    static String append(Path file, String name, PublicKey key) throws IOException {
        String line = name + " " + PublicKeyEntry.toString(key);
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try (SeekableByteChannel out = Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND), attributes)) {
            String text = line + "\n";
            if (out.size() > 0 && !endsWithNewline(file)) {
                text = "\n" + text;
            }
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
        return line;
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (SeekableByteChannel in = Files.newByteChannel(file, StandardOpenOption.READ)) {
            ByteBuffer last = ByteBuffer.allocate(1);
            in.position(in.size() - 1).read(last);
            return last.get(0) == '\n';
        }
    }
}
