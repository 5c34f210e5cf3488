package dirsync.fs.sftp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * Lists a whole tree on the server with one command, GNU find's {@code -printf}, instead of one READDIR per
 * directory: for each entry its type, mode, size, modification time, owner and group, path and link target, each
 * field ended by a NUL, so that a name of any bytes (a newline, bytes that are not UTF-8) comes back as it is. The
 * output is read as it comes and packed into a {@link TreeSnapshot}; it is never held whole.
 * <p>
 * The snapshot is given up (the caller lists with READDIR instead) when find fails or says anything went wrong
 * (exit status not 0: a directory it could not read, an entry gone meanwhile), when its output does not parse,
 * or when the tree is too large to hold: a listing that holds a directory as empty when it is not must never be
 * served.
 */
final class RemoteFind {

    /** Per entry: "TYPE MODE SIZE MTIME UID GID" NUL, the path under the root NUL, the link target NUL. */
    static final String FORMAT = "%y %m %s %T@ %U %G\\0%P\\0%l\\0";
    /**
     * The head of the record that a find started with the connection prints after find's own records, its exit
     * status after it ({@link ServerCommands#probeThenFind}); no record of find's begins so (its type is one letter).
     */
    static final String FOUND = "dirsync-found ";
    /** Beyond this many bytes of packed entries (about a million entries) the tree is listed directory by directory. */
    static final long MAX_BYTES = 96L << 20;
    private static final Duration START = Duration.ofSeconds(30);

    private RemoteFind() {
    }

    /** The command that lists the tree under {@code rootText} (an absolute path as text). */
    static String command(String rootText) {
        return "find " + RemoteMd5.quoted(rootText) + " -printf '" + FORMAT + "'";
    }

    /** The tree under {@code rootText} listed in one command, or empty if it could not be (see above); no loop. */
    static Found list(RemoteConnection connection, String rootText, long maxBytes) throws IOException {
        return new Found(read(connection.start(command(rootText), START), maxBytes), Optional.empty());
    }

    /**
     * What a find started ahead gave: the tree (empty as for {@link #list}), and the command itself, which goes on
     * as the connection's hashing loop once its find is done (empty where it is not known to: then it is closed).
     */
    record Found(Optional<TreeSnapshot> snapshot, Optional<RemoteCommand> hashLoop) {
    }

    /**
     * The tree listed by a command started ahead and held until its go (a line on its input: see
     * {@link ServerCommands#probeThenFind}), which this gives now; its find's end is the {@link #FOUND} record, after
     * which the command reads hashing batches.
     */
    static Found list(RemoteCommand waiting, long maxBytes) throws IOException {
        try {
            waiting.stdin().write("go\n".getBytes(StandardCharsets.US_ASCII));
            waiting.stdin().flush();
        } catch (IOException | RuntimeException ended) {
            waiting.close();
            return new Found(Optional.empty(), Optional.empty());
        }
        boolean handedOn = false;
        try {
            Parsed parsed = parse(waiting.stdout(), maxBytes);
            handedOn = parsed.status() != null; // all of find's output read: what follows is the loop's
            return new Found(handedOn && parsed.status() == 0 ? parsed.snapshot() : Optional.empty(),
                    handedOn ? Optional.of(waiting) : Optional.empty());
        } finally {
            if (!handedOn) {
                waiting.close();
            }
        }
    }

    private static Optional<TreeSnapshot> read(RemoteCommand started, long maxBytes) throws IOException {
        try (RemoteCommand find = started) {
            Optional<TreeSnapshot> snapshot = parse(find.stdout(), maxBytes).snapshot();
            if (snapshot.isEmpty()) {
                return snapshot;
            }
            find.awaitEnd(START);
            Integer status = find.exitStatus();
            return status != null && status == 0 ? snapshot : Optional.empty();
        }
    }

    /**
     * What find's records gave: the tree, empty if they did not parse or exceeded the bytes allowed; and the exit
     * status its {@link #FOUND} record said, null where the records ended with the output instead (or were given up).
     */
    record Parsed(Optional<TreeSnapshot> snapshot, Integer status) {
    }

    /**
     * Reads find's records to the end of {@code stdout}, or to its {@link #FOUND} record (reading no byte past it: a
     * command's output goes on after it); see {@link Parsed}.
     */
    static Parsed parse(InputStream stdout, long maxBytes) throws IOException {
        TreeSnapshot.Builder builder = new TreeSnapshot.Builder();
        Fields in = new Fields(new BufferedInputStream(stdout, 1 << 16));
        boolean rootSeen = false;
        Parsed givenUp = new Parsed(Optional.empty(), null);
        while (true) {
            byte[] head = in.next();
            if (head == null) {
                return new Parsed(rootSeen ? Optional.of(builder.build()) : Optional.empty(), null);
            }
            byte[] path = in.next();
            byte[] target = in.next();
            if (path == null || target == null) {
                return givenUp;
            }
            String text = new String(head, StandardCharsets.US_ASCII);
            if (text.startsWith(FOUND)) {
                Integer status = exitStatus(text.substring(FOUND.length()));
                return new Parsed(rootSeen ? Optional.of(builder.build()) : Optional.empty(), status);
            }
            String[] words = text.split(" ");
            if (words.length != 6 || words[0].length() != 1) {
                return givenUp;
            }
            char type = words[0].charAt(0);
            String wire = SftpNames.wire(path);
            try {
                if (wire.isEmpty()) {
                    if (type != 'd') {
                        return givenUp;
                    }
                    rootSeen = true;
                    builder.directory("");
                    continue;
                }
                if (type == 'd') {
                    builder.directory(wire);
                }
                int slash = wire.lastIndexOf('/');
                String dir = slash < 0 ? "" : wire.substring(0, slash);
                byte[] name = Arrays.copyOfRange(path, slash + 1, path.length);
                builder.entry(dir, name, typeBits(type) | Integer.parseInt(words[1], 8), Long.parseLong(words[2]),
                        seconds(words[3]), Integer.parseInt(words[4]), Integer.parseInt(words[5]),
                        type == 'l' ? target : new byte[0]);
            } catch (NumberFormatException e) {
                return givenUp;
            }
            if (builder.bytes() > maxBytes) {
                return givenUp;
            }
        }
    }

    /** The status a {@link #FOUND} record gave, or null where it is no number. */
    private static Integer exitStatus(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The S_IFMT bits of find's %y letter, as SFTP sends them with the mode. */
    static int typeBits(char type) {
        return switch (type) {
            case 'f' -> 0100000;
            case 'd' -> 0040000;
            case 'l' -> 0120000;
            case 'p' -> 0010000;
            case 's' -> 0140000;
            case 'c' -> 0020000;
            case 'b' -> 0060000;
            default -> 0;
        };
    }

    /** Whole seconds, rounded down, of find's %T@ ("1700000000.1234567890", "-5.5"). */
    static long seconds(String text) {
        int dot = text.indexOf('.');
        long whole = Long.parseLong(dot < 0 ? text : text.substring(0, dot));
        boolean fraction = dot >= 0 && text.substring(dot + 1).chars().anyMatch(c -> c != '0');
        return text.startsWith("-") && fraction ? whole - 1 : whole;
    }

    /** NUL-ended fields of a stream, as bytes. */
    private static final class Fields {
        private final InputStream in;
        private byte[] buffer = new byte[256];

        Fields(InputStream in) {
            this.in = in;
        }

        /** The next field, or null at the end of the stream (a field cut short by the end is dropped). */
        byte[] next() throws IOException {
            int length = 0;
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                if (b == 0) {
                    return Arrays.copyOf(buffer, length);
                }
                if (length == buffer.length) {
                    buffer = Arrays.copyOf(buffer, length * 2);
                }
                buffer[length++] = (byte) b;
            }
        }
    }
}
