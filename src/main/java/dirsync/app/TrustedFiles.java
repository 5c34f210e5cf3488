package dirsync.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.util.Map;
import java.util.Set;

/**
 * The one trust check of the files dirsync keeps outside the replica ({@link StateFiles}), and the two ways it
 * opens and makes them. Their names are predictable and their directory may be shared ({@code /tmp}), so anyone
 * may have put something there first. A file is used only if it is a regular file (never a symbolic link, which
 * is not followed either), owned by this user, with exactly one name (not a hard link to a file elsewhere, such as
 * {@code /etc/shadow} when root runs dirsync, which writing the lock would destroy), and not writable by group or
 * others (who could otherwise plant facts that make a pass skip a changed file). In a sticky directory such as
 * {@code /tmp} nobody else can rename or unlink this user's file, so the file that passed the check is the file
 * that was opened.
 */
final class TrustedFiles {

    static final String SYMBOLIC_LINK = "it is a symbolic link, which dirsync never follows";
    /** What a user can do about a lock file that fails the check. */
    static final String LOCK_ADVICE = "remove it, or give the runs -Djava.io.tmpdir=DIR of their own";
    /** What a user can do about a memory file that fails the check. */
    static final String MEMORY_ADVICE = "remove it";
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    /** How many names of its own a run tries for a new file in a shared directory before giving up. */
    private static final int TEMPORARY_NAMES = 100;

    private TrustedFiles() {
    }

    /**
     * The trust check: a regular file of this user's, with exactly one name, not writable by group or others,
     * judged without following a link.
     *
     * @param role   what the file is, for the message: "lock file", "hash memory file", "record of unsettled files"
     * @param advice what the user can do about it, for the message
     * @throws IOException whose message tells the user what is wrong and what to do, if the file fails the check
     */
    static void requireTrusted(Path file, String role, String advice) throws IOException {
        Map<String, Object> unix = Files.readAttributes(file, "unix:isSymbolicLink,isRegularFile,uid,nlink,mode",
                LinkOption.NOFOLLOW_LINKS);
        Object me = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        String reason = null;
        if ((Boolean) unix.get("isSymbolicLink")) {
            reason = SYMBOLIC_LINK;
        } else if (!(Boolean) unix.get("isRegularFile")) {
            reason = "it is not a regular file";
        } else if (!unix.get("uid").equals(me)) {
            reason = "it belongs to user id " + unix.get("uid");
        } else if ((Integer) unix.get("nlink") != 1) {
            reason = "it has " + unix.get("nlink") + " names (a hard link to a file elsewhere?)";
        } else if (((Integer) unix.get("mode") & GROUP_OR_OTHERS_WRITE) != 0) {
            reason = "it is writable by group or others";
        }
        if (reason != null) {
            throw new IOException(notOurs(role, advice) + reason);
        }
    }

    /**
     * Opens a state file without following a link, checked before (a FIFO would block the open, a device might
     * act on it) and after (the file that was opened, if it was just created or appeared meanwhile).
     */
    static FileChannel openTrusted(Path file, String role, String advice, Set<OpenOption> options,
            FileAttribute<?>... mode) throws IOException {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            requireTrusted(file, role, advice);
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(file, options, mode);
        } catch (IOException e) { // ELOOP (a link planted since the check) comes as a plain IOException
            if (Files.isSymbolicLink(file)) {
                throw new IOException(notOurs(role, advice) + SYMBOLIC_LINK, e);
            }
            throw e;
        }
        try {
            requireTrusted(file, role, advice);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return channel;
    }

    /**
     * Writes {@code content} to a new file in {@code directory}, named {@code <prefix><pid>-<n>.tmp} after this
     * process, and returns its path. Not by Files.createTempFile, whose SecureRandom costs a short run ~40 ms to
     * seed. The name is predictable, so the file is created new (never opened if there, never through a link): a
     * file planted there only moves this run on to the next name. A file that cannot be written in full is deleted.
     */
    static Path writeNew(Path directory, String prefix, byte[] content, FileAttribute<?> mode) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path file = directory.resolve(prefix + ProcessHandle.current().pid() + "-" + attempt + ".tmp");
            FileChannel channel;
            try {
                channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS), mode);
            } catch (FileAlreadyExistsException taken) {
                if (attempt < TEMPORARY_NAMES) {
                    continue;
                }
                throw taken;
            }
            try (channel) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            } catch (IOException e) {
                Files.deleteIfExists(file);
                throw e;
            }
            return file;
        }
    }

    private static String notOurs(String role, String advice) {
        return "not dirsync's own " + role + " (" + advice + "): ";
    }
}
