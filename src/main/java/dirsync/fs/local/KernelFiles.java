package dirsync.fs.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the small text files the kernel makes up on demand ({@code /proc/sys/...}, {@code /proc/self/status}).
 * They all report a size of 0, and a sysctl that holds a number answers only a read that starts at offset 0: a
 * read at any later offset gets end of file. The JDK's {@code Files.readString} and {@code readAllBytes} size
 * their first read by the file's size, so they read one byte, then ask again from offset 1 and stop there:
 * {@code "2"} of {@code "20000"}. Here the first read asks for more than any such file holds, from offset 0, and
 * reading goes on to the end for the files that do answer later reads.
 */
public final class KernelFiles {

    /** More than any file this reads holds; a file longer than this is refused rather than cut. */
    static final int MOST = 64 * 1024;

    private KernelFiles() {
    }

    /**
     * The whole text of {@code file}, UTF-8, as the kernel gives it (a trailing newline included).
     *
     * @throws IOException if it cannot be read, or it is longer than 64 KiB (not a small kernel file)
     */
    public static String read(Path file) throws IOException {
        byte[] buffer = new byte[MOST + 1];
        int length;
        try (InputStream in = Files.newInputStream(file)) {
            length = in.readNBytes(buffer, 0, buffer.length);
        }
        if (length > MOST) {
            throw new IOException(file + " holds more than " + MOST + " bytes: not a small kernel file");
        }
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }
}
