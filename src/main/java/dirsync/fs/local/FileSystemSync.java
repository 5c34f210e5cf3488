package dirsync.fs.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * syncfs(2) for Java, which has no call for it: coreutils' {@code sync -f PATH} writes every dirty file of the
 * file system that holds PATH to disk and returns when they are there. The command is run by its absolute path
 * (never looked up in PATH), and only with paths that are plain ASCII, which pass unchanged through the JVM's
 * argument encoding in any locale.
 */
interface FileSystemSync {

    /** Flushes the file system holding {@code onDevice}; throws, with the command's words, if it could not. */
    void sync(Path onDevice) throws IOException;

    /** Whether {@code path} can be handed to the command as it is. */
    static boolean plain(Path path) {
        String text = path.toString();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** The command as installed here, if it is. */
    static Optional<FileSystemSync> command() {
        for (String candidate : List.of("/usr/bin/sync", "/bin/sync")) {
            Path program = Path.of(candidate);
            if (Files.isRegularFile(program) && Files.isExecutable(program)) {
                return Optional.of(onDevice -> run(candidate, onDevice));
            }
        }
        return Optional.empty();
    }

    private static void run(String program, Path onDevice) throws IOException {
        Process process = new ProcessBuilder(program, "-f", onDevice.toString())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close(); // it reads nothing
        String said;
        try (InputStream output = process.getInputStream()) {
            said = new String(output.readNBytes(4096), Charset.defaultCharset()).strip();
        }
        int status;
        try {
            status = process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroy();
            throw new IOException("interrupted while flushing the file system of " + onDevice);
        }
        if (status != 0) {
            throw new IOException(program + " -f exited with " + status + (said.isEmpty() ? "" : ": " + said));
        }
    }
}
