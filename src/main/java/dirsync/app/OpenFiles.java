package dirsync.app;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a name still names the file a channel has open. Java has no fstat of a channel, so the kernel is asked:
 * the channel is moved to a position no other open file of this process is at, {@code /proc/self/fdinfo} finds the
 * descriptor at that position, and {@code /proc/self/fd/N}, followed, gives the device and inode of the file it has
 * open, even once that file has no name left. Exact per channel, even when another channel of this process has the
 * same name's file open.
 */
final class OpenFiles {

    /** About 1 GiB: far beyond a lock file's end, and below the largest file of every file system (FAT's 4 GiB). */
    private static final long MARK_BASE = 0x3d1c_0000L;
    private static final AtomicLong MARKS = new AtomicLong();
    private static final Path FD = Path.of("/proc/self/fd");
    private static final Path FDINFO = Path.of("/proc/self/fdinfo");

    private OpenFiles() {
    }

    /**
     * The identity (device and inode) of the file {@code name} names, not followed, if it is the file
     * {@code channel} has open; empty if it names another file, or nothing.
     *
     * @throws IOException if the kernel cannot be asked ({@code /proc} not there)
     */
    static Optional<Object> keyIfNamed(FileChannel channel, Path name) throws IOException {
        Optional<Object> named = keyOf(name);
        if (named.isEmpty()) {
            return named;
        }
        long mark = MARK_BASE + MARKS.incrementAndGet();
        long was = channel.position();
        channel.position(mark);
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(FDINFO)) {
            for (Path info : descriptors) {
                if (positionOf(info) == mark && named.equals(openKey(info.getFileName().toString()))) {
                    return named;
                }
            }
        } finally {
            channel.position(was);
        }
        return Optional.empty();
    }

    /** The identity of the file {@code name} names, not followed; empty if there is none. */
    static Optional<Object> keyOf(Path name) throws IOException {
        try {
            return Optional.of(Files.readAttributes(name, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey());
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        }
    }

    /** The identity of the file descriptor {@code fd} has open; empty if it was closed meanwhile. */
    private static Optional<Object> openKey(String fd) {
        try {
            return Optional.of(Files.readAttributes(FD.resolve(fd), BasicFileAttributes.class).fileKey());
        } catch (IOException closed) {
            return Optional.empty();
        }
    }

    /** The {@code pos:} of a descriptor's fdinfo (its first line), or -1 if it was closed meanwhile. */
    private static long positionOf(Path info) {
        byte[] start = new byte[64];
        int length;
        try (InputStream in = Files.newInputStream(info)) {
            length = in.readNBytes(start, 0, start.length);
        } catch (IOException closed) {
            return -1;
        }
        String first = new String(start, 0, length, StandardCharsets.US_ASCII).lines().findFirst().orElse("");
        if (!first.startsWith("pos:")) {
            return -1;
        }
        try {
            return Long.parseLong(first.substring("pos:".length()).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
