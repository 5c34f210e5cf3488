package dirsync.fs.sftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What commands the server lets a run use, found out once per connection with one command, the one that then lists
 * the replica for the connection's first pass ({@link #probeThenFind}): GNU find's
 * {@code -printf} (to list the replica in one command, {@link RemoteFind}), and the hashing loop of
 * {@link HashStream} (sh, GNU head's {@code -c}, xargs, md5sum's {@code -z}), tried on two batches of
 * {@code /dev/null} so that a head that reads past its count is caught; and coreutils' {@code sync -f}, run on
 * {@code /dev/null} as {@link RemoteSync} runs it first. A server that runs only SFTP
 * ({@code ForceCommand internal-sftp}, a chroot without a shell) offers none.
 *
 * @param find       the replica is listed with one find a pass; else with a READDIR a directory
 * @param hashStream files are hashed on the server, many per md5sum, through one command a connection
 * @param syncFs     copies are made durable many at once, by one {@code sync -f} of their file system
 *                   ({@link GroupInstall}); else each with fsync@openssh.com, where the server offers it
 */
public record ServerCommands(boolean find, boolean hashStream, boolean syncFs) {

    /** None: SFTP alone. */
    public static final ServerCommands NONE = new ServerCommands(false, false, false);

    /** What {@link RemoteFind#FORMAT} gives for "/": a directory, its mode, size, time, owner, group; no path. */
    private static final java.util.regex.Pattern FIND_ANSWER =
            java.util.regex.Pattern.compile("d [0-7]+ [0-9]+ -?[0-9]+(\\.[0-9]+)? [0-9]+ [0-9]+\0\0\0");
    /**
     * The two batches of /dev/null, each: md5sum's line of it, and of the batch's end (the same name), then stat's
     * line of each (its raw mode, owner, group, size and time, whatever they are).
     */
    private static final java.util.regex.Pattern HASH_ANSWERS = java.util.regex.Pattern.compile(
            "(?:(?:" + RemoteMd5.EMPTY_MD5 + " \\*/dev/null\0){2}"
                    + "(?:[0-9a-f]+ [0-9]+ [0-9]+ [0-9]+ -?[0-9]+ /dev/null\0){2}){2}");

    /** What the probe prints, last before {@link #PROBED}, where {@code sync -f} ran. */
    static final String SYNC_FS = "dirsync-sync-f\0";

    /** What the probe-then-find command prints once its probe is done: the probe's answer precedes it. */
    static final String PROBED = "\0dirsync-probed\n";
    private static final byte[] PROBED_BYTES = PROBED.getBytes(StandardCharsets.US_ASCII);
    /** The probe's answer is at most a few hundred bytes: a server that prints more is not running it. */
    private static final int MAX_PROBE = 4096;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The probe, then the first pass's find of the tree under {@code rootText}, held until its go (a line on its
     * input, see {@link RemoteFind#list(RemoteCommand, long)}), then the connection's hashing loop: one command, so
     * that a connection starts the user's shell (and its start-up files) once for all three. The probe is find's own
     * format on "/" alone (no name, no link target), then the hashing loop on {@link #probeInput}, fed from printf
     * (the command's input is the go's), then {@code sync -f /dev/null} ({@link #SYNC_FS} if it ran); then
     * {@link #PROBED}; then, on its go, the find of
     * {@link RemoteFind#command}, its exit status in a record of its own ({@link RemoteFind#FOUND}); then the
     * {@link HashStream} loop on the rest of its input. Its input's end without a go ends it before find runs.
     */
    static String probeThenFind(String rootText) {
        String body = "find / -maxdepth 0 -printf \"$1\"; printf \"$3\" | sh -c \"$2\"; "
                + "sync -f /dev/null 2>/dev/null </dev/null && printf 'dirsync-sync-f\\000'; "
                + "printf '\\000dirsync-probed\\n'; read go && { find \"$0\" -printf \"$1\"; "
                + "printf '" + RemoteFind.FOUND + "%d\\000\\000\\000' $?; exec sh -c \"$2\"; }";
        return "sh -c " + RemoteMd5.quoted(body) + " " + RemoteMd5.quoted(rootText) + " "
                + RemoteMd5.quoted(RemoteFind.FORMAT) + " " + RemoteMd5.quoted(HashStream.SCRIPT) + " "
                + RemoteMd5.quoted(printfFormat(probeInput()));
    }

    /** What the connection learned from {@link #probeThenFind}, and its find, if the server runs GNU find. */
    record Probed(ServerCommands commands, Optional<RemoteCommand> find) {
    }

    /** Starts {@link #probeThenFind} and reads its probe; a server that refuses commands offers {@link #NONE}. */
    static Probed probeThenFind(RemoteConnection connection, String rootText) {
        RemoteCommand command;
        try {
            command = connection.start(probeThenFind(rootText), PROBE_TIMEOUT);
        } catch (IOException | RuntimeException refused) {
            return new Probed(NONE, Optional.empty());
        }
        // A command that never answers is closed, which ends the read below.
        CompletableFuture<Void> watchdog = CompletableFuture.runAsync(command::close,
                CompletableFuture.delayedExecutor(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        Optional<ServerCommands> offered;
        try {
            offered = readProbe(command.stdout());
        } catch (IOException | RuntimeException lost) {
            offered = Optional.empty();
        } finally {
            watchdog.cancel(false);
        }
        ServerCommands commands = offered.orElse(NONE);
        if (!commands.find()) {
            command.close(); // its input's end: the find never runs
            return new Probed(commands, Optional.empty());
        }
        return new Probed(commands, Optional.of(command));
    }

    /**
     * Reads {@code stdout} up to and with {@link #PROBED}, one byte at a time (what follows is the find's), and
     * returns what the probe's answer says; empty if the output ends first or is too long to be the probe's.
     */
    static Optional<ServerCommands> readProbe(InputStream stdout) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (seen.size() <= MAX_PROBE) {
            int next = stdout.read();
            if (next < 0) {
                return Optional.empty();
            }
            seen.write(next);
            if (next != '\n') {
                continue; // the mark ends with one: the bytes are looked at only there
            }
            byte[] bytes = seen.toByteArray();
            if (endsWith(bytes, PROBED_BYTES)) {
                return Optional.of(read(new String(bytes, 0, bytes.length - PROBED_BYTES.length,
                        StandardCharsets.ISO_8859_1)));
            }
        }
        return Optional.empty();
    }

    private static boolean endsWith(byte[] bytes, byte[] end) {
        if (bytes.length < end.length) {
            return false;
        }
        return Arrays.equals(bytes, bytes.length - end.length, bytes.length, end, 0, end.length);
    }

    /** Two batches of /dev/null for the hashing loop: what it is tried on. */
    static byte[] probeInput() {
        byte[] frame = HashBatch.frame(java.util.List.of("/dev/null".getBytes(StandardCharsets.US_ASCII)));
        byte[] twice = new byte[frame.length * 2];
        System.arraycopy(frame, 0, twice, 0, frame.length);
        System.arraycopy(frame, 0, twice, frame.length, frame.length);
        return twice;
    }

    /** {@code bytes} as a printf format that prints them: NUL and anything not plain as octal escapes. */
    static String printfFormat(byte[] bytes) {
        StringBuilder format = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\' && c != '%' && c != '\'') {
                format.append((char) c);
            } else {
                format.append('\\').append(String.format("%03o", c));
            }
        }
        return format.toString();
    }

    /** What the probe's output says. */
    static ServerCommands read(String output) {
        boolean syncFs = output.endsWith(SYNC_FS);
        String answers = syncFs ? output.substring(0, output.length() - SYNC_FS.length()) : output;
        int end = answers.indexOf("\0\0\0");
        boolean find = end >= 0 && FIND_ANSWER.matcher(answers.substring(0, end + 3)).matches();
        String rest = find ? answers.substring(end + 3) : answers;
        return new ServerCommands(find, HASH_ANSWERS.matcher(rest).matches(), syncFs);
    }

    /**
     * For the run's one line about the server: how the replica is listed, how its files are hashed, and how copies
     * are made durable before they take their names ({@code fsync}: the server offers fsync@openssh.com).
     */
    public String describe(boolean largeFilesByMd5sum, boolean fsync) {
        return "the replica is listed " + (find ? "by one find command a pass" : "with one READDIR a directory")
                + ", files are " + (hashStream ? "hashed on the server by md5sum, many files a command"
                : largeFilesByMd5sum ? "read over SFTP to hash them (with md5sum, one command a file, from "
                        + RemoteReads.HASH_ON_SERVER_FROM / (1 << 20) + " MiB)"
                : "read over SFTP to hash them (the server runs no md5sum)")
                + ", copies are made durable " + (syncFs && fsync ? "by sync -f, many files a command (the first "
                + "and the large ones by fsync@openssh.com)" : syncFs ? "by sync -f, many files a command"
                : fsync ? "by fsync@openssh.com, one file a request" : "by nothing: no file can be written");
    }
}
