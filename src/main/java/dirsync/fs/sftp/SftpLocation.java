package dirsync.fs.sftp;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a remote replica is: a REPLICA argument of the form {@code sftp://[user@]host[:port]/absolute/path}.
 * <p>
 * The host is a name, an IPv4 address, or an IPv6 address in brackets ({@code sftp://[::1]:2222/srv}); it is kept
 * in lower case, as ssh matches it. A missing user or port is left to {@code ~/.ssh/config} and then to ssh's
 * defaults (the local user, port 22); one given here wins over the config, as on ssh's command line.
 * <p>
 * The path is absolute. Percent-escapes in it ({@code %20}, {@code %FF}) decode to <em>bytes</em>, so a name of
 * any bytes can be given, also one that is not UTF-8; other characters stand for their UTF-8 bytes. A name cannot
 * hold '/' or NUL ({@code %2F}, {@code %00}), and '.', '..' and '~' segments are refused rather than interpreted.
 * Repeated and trailing slashes are dropped. The path is kept in wire form: one char per byte (ISO-8859-1), as
 * {@link SftpNames} sends names.
 * <p>
 * A password ({@code user:secret@host}) is refused: it would show in the process list and the shell's history.
 *
 * @param user     the login name given in the address, if any
 * @param host     the host as given (an alias {@code ~/.ssh/config} may resolve), lower case, IPv6 without brackets
 * @param port     the port given in the address, if any
 * @param wirePath the absolute path on the server, one char per byte, without a trailing '/'
 */
public record SftpLocation(Optional<String> user, String host, OptionalInt port, String wirePath) {

    private static final String SCHEME = "sftp://";
    private static final String FORM = "sftp://[user@]host[:port]/absolute/path";
    /** Bytes written as they are in {@link #toString()}: RFC 3986's unreserved and path characters. */
    private static final String PLAIN = "-._~!$&'()*+,;=:@";

    public SftpLocation {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(wirePath, "wirePath");
    }

    /** Whether a REPLICA argument names a remote replica (starts with {@code sftp://}, in any case). */
    public static boolean looksRemote(String arg) {
        return arg.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /**
     * Parses a REPLICA argument.
     *
     * @throws IllegalArgumentException with a one-line message for people, naming the mistake
     */
    public static SftpLocation parse(String arg) {
        if (!looksRemote(arg)) {
            throw new IllegalArgumentException("'" + arg + "' is not an sftp address: write it as " + FORM);
        }
        String rest = arg.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        int at = authority.lastIndexOf('@');
        if (at >= 0 && authority.substring(0, at).contains(":")) {
            // The argument is not repeated: it holds the password.
            throw new IllegalArgumentException("an sftp address with a password (user:password@host) is refused:"
                    + " passwords are not accepted on the command line; log in with a key (~/.ssh or --ssh-key FILE)");
        }
        if (arg.indexOf('?') >= 0 || arg.indexOf('#') >= 0) {
            throw invalid(arg, "a query or fragment ('?', '#') is not part of a replica's address; write %3F or %23"
                    + " for those characters in a name");
        }
        Optional<String> user = Optional.empty();
        if (at >= 0) {
            String login = utf8(decode(arg, authority.substring(0, at)), arg, "the user");
            if (login.isEmpty()) {
                throw invalid(arg, "the user before '@' is empty; leave out '@' to log in as the default user");
            }
            user = Optional.of(login);
        }
        String hostPort = authority.substring(at + 1);
        int portStart = hostPort.indexOf(':');
        if (portStart >= 0 && hostPort.indexOf(':', portStart + 1) >= 0 && !hostPort.startsWith("[")) {
            throw invalid(arg, "put an IPv6 address in brackets, as in sftp://[::1]:2222/srv");
        }
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            portStart = close < 0 ? -1 : close + 1;
        }
        String host = host(arg, portStart < 0 ? hostPort : hostPort.substring(0, portStart));
        OptionalInt port = OptionalInt.empty();
        if (portStart >= 0 && portStart < hostPort.length()) {
            if (hostPort.charAt(portStart) != ':') {
                throw invalid(arg, "after the ']' of an IPv6 address only ':port' may follow");
            }
            port = OptionalInt.of(port(arg, hostPort.substring(portStart + 1)));
        }
        if (slash < 0) {
            throw invalid(arg, "no path after the host; give the replica's absolute path, as in sftp://host/srv/mirror");
        }
        String wirePath = path(arg, rest.substring(slash));
        if (wirePath.isEmpty()) {
            throw invalid(arg, "the replica cannot be the server's root directory '/'");
        }
        return new SftpLocation(user, host, port, wirePath);
    }

    /** The path's bytes on the server. */
    public byte[] pathBytes() {
        return wirePath.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The path as people read it: its bytes as UTF-8 (a byte that is not UTF-8 shows as U+FFFD). */
    public String pathText() {
        return new String(pathBytes(), StandardCharsets.UTF_8);
    }

    /** Whether the path's bytes are valid UTF-8, so that {@link #pathText()} is exact. */
    public boolean pathIsUtf8() {
        return SftpNames.isUtf8(pathBytes());
    }

    /** The canonical address (what {@link #parse} reads back to an equal location). Never holds a password. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(SCHEME);
        user.ifPresent(login -> text.append(encode(login.getBytes(StandardCharsets.UTF_8), false)).append('@'));
        text.append(host.indexOf(':') >= 0 ? "[" + host.replace("%", "%25") + "]" : host);
        port.ifPresent(number -> text.append(':').append(number));
        return text.append(encode(pathBytes(), true)).toString();
    }

    private static String host(String arg, String text) {
        if (text.isEmpty() || text.equals("[]")) {
            throw invalid(arg, "no host after sftp://");
        }
        if (text.startsWith("[")) {
            if (!text.endsWith("]")) {
                throw invalid(arg, "an IPv6 address must be closed with ']', as in sftp://[::1]:2222/srv");
            }
            String address = text.substring(1, text.length() - 1).replace("%25", "%");
            if (address.indexOf(':') < 0 || !address.matches("[0-9A-Fa-f:.]+(%[0-9A-Za-z._-]+)?")) {
                throw invalid(arg, "'" + address + "' in brackets is not an IPv6 address");
            }
            try {
                InetAddress.getByName(address); // a literal with ':' is parsed, never looked up
            } catch (UnknownHostException e) {
                throw invalid(arg, "'" + address + "' in brackets is not an IPv6 address");
            }
            return address.toLowerCase(Locale.ROOT);
        }
        if (!text.matches("[A-Za-z0-9._-]+")) {
            throw invalid(arg, "'" + text + "' is not a host name or address (letters, digits, '.', '-', '_';"
                    + " an IPv6 address goes in brackets, as in sftp://[::1]/srv)");
        }
        if (text.startsWith("-")) {
            throw invalid(arg, "a host name cannot start with '-'");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    private static int port(String arg, String text) {
        if (text.matches("[0-9]{1,5}")) {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        throw invalid(arg, "the port '" + text + "' is not a number from 1 to 65535");
    }

    private static String path(String arg, String text) {
        StringBuilder wire = new StringBuilder();
        for (String segment : text.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            byte[] name = decode(arg, segment);
            String decoded = new String(name, StandardCharsets.ISO_8859_1);
            if (decoded.equals(".") || decoded.equals("..")) {
                throw invalid(arg, "the path must not contain '.' or '..' segments; give the replica's own path");
            }
            if (decoded.equals("~") && wire.length() == 0) {
                throw invalid(arg, "a path relative to the home directory (~) is not supported; give the absolute"
                        + " path, as in sftp://host/home/user/mirror");
            }
            if (decoded.indexOf('/') >= 0 || decoded.indexOf('\0') >= 0) {
                throw invalid(arg, "a name in the path cannot hold '/' or NUL (%2F, %00)");
            }
            wire.append('/').append(decoded);
        }
        return wire.toString();
    }

    /** Percent-decodes {@code text} to bytes; characters that are not escapes stand for their UTF-8 bytes. */
    private static byte[] decode(String arg, String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '%') {
                int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (low < 0) {
                    String escape = text.substring(i, Math.min(i + 3, text.length()));
                    throw invalid(arg, "'" + escape + "' is not a percent-escape ('%' and two hex digits);"
                            + " write %25 for a '%'");
                }
                bytes.write(high << 4 | low);
                i += 3;
            } else {
                int end = i + Character.charCount(text.codePointAt(i));
                bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return bytes.toByteArray();
    }

    private static String utf8(byte[] bytes, String arg, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw invalid(arg, what + " is not valid UTF-8");
        }
    }

    private static String encode(byte[] bytes, boolean path) {
        StringBuilder text = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int unsigned = b & 0xff;
            boolean plain = unsigned < 0x80 && (Character.isLetterOrDigit(unsigned) || PLAIN.indexOf(unsigned) >= 0)
                    && (path || unsigned != ':' && unsigned != '@') || path && unsigned == '/';
            if (plain) {
                text.append((char) unsigned);
            } else {
                text.append('%').append(Character.toUpperCase(Character.forDigit(unsigned >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(unsigned & 0xf, 16)));
            }
        }
        return text.toString();
    }

    private static IllegalArgumentException invalid(String arg, String reason) {
        return new IllegalArgumentException("invalid sftp replica '" + arg + "': " + reason);
    }
}
