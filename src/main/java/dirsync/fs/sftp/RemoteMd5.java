package dirsync.fs.sftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Hashes replica files on the server itself, with {@code md5sum} over an exec channel, so that a large file is
 * not read across the network to compare it: one round trip and 32 bytes back, whatever its size. It is used
 * only where the server proves it has a working md5sum: at the start, the MD5 of empty input must come back as
 * d41d8cd98f00b204e9800998ecf8427e (as rclone checks). A server that runs only SFTP (internal-sftp with no
 * shell, a chroot) fails that check, and files are then read over SFTP.
 */
public final class RemoteMd5 {

    /** Runs a command on the server and returns what it printed (the connection's exec channel). */
    @FunctionalInterface
    public interface Commands {
        /** Runs {@code command} through the user's shell; returns its standard output, or throws on exit != 0. */
        byte[] run(String command, Duration timeout) throws IOException;
    }

    static final String EMPTY_MD5 = "d41d8cd98f00b204e9800998ecf8427e";
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final Commands commands;

    private RemoteMd5(Commands commands) {
        this.commands = commands;
    }

    /** A server-side hasher if the server has a working md5sum, else empty (the reason is not an error). */
    public static Optional<RemoteMd5> detect(Commands commands) {
        try {
            byte[] out = commands.run("md5sum </dev/null", Duration.ofSeconds(15));
            String text = new String(out, StandardCharsets.US_ASCII).trim();
            return text.startsWith(EMPTY_MD5) ? Optional.of(new RemoteMd5(commands)) : Optional.empty();
        } catch (IOException | RuntimeException none) {
            return Optional.empty();
        }
    }

    /**
     * The MD5 of the file at {@code wirePath} (an absolute path on the server, as SftpNames makes it), or null if
     * its path cannot be given to a shell exactly (it is not UTF-8): the caller reads it over SFTP then.
     */
    byte[] md5(String wirePath) throws IOException {
        byte[] path = SftpNames.bytes(wirePath);
        if (!SftpNames.isUtf8(path) || wirePath.indexOf('\0') >= 0) {
            return null;
        }
        byte[] out = commands.run("md5sum -b -- " + quoted(new String(path, StandardCharsets.UTF_8)), TIMEOUT);
        return parse(out, wirePath);
    }

    /** A word for sh: in single quotes, each single quote as '\'' (nothing inside single quotes is special). */
    static String quoted(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    /** md5sum's line: 32 hex digits, then the name (a leading backslash when the name needed escapes). */
    static byte[] parse(byte[] out, String wirePath) throws IOException {
        String text = new String(out, StandardCharsets.US_ASCII);
        int start = text.startsWith("\\") ? 1 : 0;
        if (text.length() < start + 32) {
            throw new IOException("md5sum on the server printed no hash for '" + SftpNames.text(wirePath) + "'");
        }
        try {
            return HexFormat.of().parseHex(text, start, start + 32);
        } catch (IllegalArgumentException e) {
            throw new IOException("md5sum on the server printed no hash for '" + SftpNames.text(wirePath) + "': "
                    + text.strip(), e);
        }
    }
}
