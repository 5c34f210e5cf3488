package dirsync.fs.sftp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What commands the server lets a run use, found out once per connection with one command: GNU find's
 * {@code -printf} (to list the replica in one command, {@link RemoteFind}), and the hashing loop of
 * {@link HashStream} (sh, GNU head's {@code -c}, xargs, md5sum's {@code -z}), tried on two batches of
 * {@code /dev/null} so that a head that reads past its count is caught. A server that runs only SFTP
 * ({@code ForceCommand internal-sftp}, a chroot without a shell) offers neither.
 *
 * @param find       the replica is listed with one find a pass; else with a READDIR a directory
 * @param hashStream files are hashed on the server, many per md5sum, through one command a connection
 */
public record ServerCommands(boolean find, boolean hashStream) {

    /** Neither: SFTP alone. */
    public static final ServerCommands NONE = new ServerCommands(false, false);

    /** find's own format on "/" alone (no name, no link target), then the hashing loop on what the input holds. */
    static final String PROBE = "find / -maxdepth 0 -printf '" + RemoteFind.FORMAT + "'; " + HashStream.COMMAND;
    /** What {@link RemoteFind#FORMAT} gives for "/": a directory, its mode, size, time, owner, group; no path. */
    private static final java.util.regex.Pattern FIND_ANSWER =
            java.util.regex.Pattern.compile("d [0-7]+ [0-9]+ -?[0-9]+(\\.[0-9]+)? [0-9]+ [0-9]+\0\0\0");
    /** A batch of /dev/null: its line, and the line of the batch's end (the same name). */
    private static final String HASH_ANSWER = RemoteMd5.EMPTY_MD5 + " */dev/null\0" + RemoteMd5.EMPTY_MD5 + " */dev/null\0";

    /** Asks the server (one command); a server that refuses commands offers {@link #NONE}. */
    static ServerCommands detect(RemoteConnection connection) {
        byte[] frame = HashStream.batch(java.util.List.of("/dev/null".getBytes(StandardCharsets.US_ASCII)));
        byte[] twice = new byte[frame.length * 2];
        System.arraycopy(frame, 0, twice, 0, frame.length);
        System.arraycopy(frame, 0, twice, frame.length, frame.length);
        try {
            ExecResult result = connection.exec(PROBE, twice, Duration.ofSeconds(30));
            return read(new String(result.stdout(), StandardCharsets.ISO_8859_1));
        } catch (IOException | RuntimeException refused) {
            return NONE;
        }
    }

    /** What the probe's output says. */
    static ServerCommands read(String output) {
        int end = output.indexOf("\0\0\0");
        boolean find = end >= 0 && FIND_ANSWER.matcher(output.substring(0, end + 3)).matches();
        String rest = find ? output.substring(end + 3) : output;
        return new ServerCommands(find, rest.equals(HASH_ANSWER + HASH_ANSWER));
    }

    /** For the run's one line about the server: how the replica is listed and how its files are hashed. */
    public String describe(boolean largeFilesByMd5sum) {
        return "the replica is listed " + (find ? "by one find command a pass" : "with one READDIR a directory")
                + ", files are " + (hashStream ? "hashed on the server by md5sum, many files a command"
                : largeFilesByMd5sum ? "read over SFTP to hash them (with md5sum, one command a file, from "
                        + RemoteReads.HASH_ON_SERVER_FROM / (1 << 20) + " MiB)"
                : "read over SFTP to hash them (the server runs no md5sum)");
    }
}
