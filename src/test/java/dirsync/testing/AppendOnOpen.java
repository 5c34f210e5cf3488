package dirsync.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A writer that appends to a file every time any process opens it, before that open returns: a helper process
 * holds a fanotify permission mark (FAN_OPEN_PERM) on the file, so the kernel stops each open of it until the helper
 * has appended a line and allowed the open. A program that examines the file, opens it and copies what it examined
 * therefore always finds it grown by the time the copy ends: the file changes during every copy, with no timing
 * involved, however loaded the machine is.
 *
 * <p>The helper is a short Python script (fanotify has no Java API): it needs {@code /usr/bin/python3} and the
 * right to use fanotify (root: CAP_SYS_ADMIN); without either, the test using it is skipped with the reason. When
 * the helper ends, the kernel lets every open it still held go on.
 */
public final class AppendOnOpen implements AutoCloseable {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** Marks the file for open permission events; on each: append a line through the event's descriptor, allow. */
    private static final String SCRIPT = """
            import ctypes, os, struct, sys
            FAN_CLOEXEC, FAN_CLASS_CONTENT, FAN_MARK_ADD, FAN_OPEN_PERM, FAN_ALLOW, AT_FDCWD = 1, 4, 1, 0x10000, 1, -100
            libc = ctypes.CDLL(None, use_errno=True)
            libc.fanotify_mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64, ctypes.c_int, ctypes.c_char_p]
            group = libc.fanotify_init(FAN_CLOEXEC | FAN_CLASS_CONTENT, os.O_WRONLY | os.O_APPEND)
            if group < 0 or libc.fanotify_mark(group, FAN_MARK_ADD, FAN_OPEN_PERM, AT_FDCWD, sys.argv[1].encode()) < 0:
                print("unavailable: fanotify: " + os.strerror(ctypes.get_errno()), flush=True)
                sys.exit(3)
            print("ready", flush=True)
            appended = 0
            while True:
                events = os.read(group, 4096)
                offset = 0
                while offset < len(events):
                    length, _, _, _, _, opened, pid = struct.unpack_from("=IBBHQii", events, offset)
                    offset += length
                    if opened < 0:
                        continue
                    try:
                        appended += 1
                        os.write(opened, b"appended while opened by %d (%d)\\n" % (pid, appended))
                    finally:
                        os.write(group, struct.pack("=iI", opened, FAN_ALLOW))
                        os.close(opened)
            """;

    private final Process helper;

    private AppendOnOpen(Process helper) {
        this.helper = helper;
    }

    /**
     * Starts appending to {@code file} (which must exist) on every open of it; returns once the mark is in place.
     * Skips the calling test if this machine cannot do it.
     */
    public static AppendOnOpen start(Path file) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON + " (fanotify has no Java API)");
        Process helper = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT, file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String first;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(helper.getInputStream(),
                StandardCharsets.UTF_8))) {
            first = out.readLine(); // "ready" is its only line: nothing is left to fill the pipe
        }
        if (!"ready".equals(first)) {
            helper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Assumptions.abort("cannot append on open here (" + first + "): needs fanotify and CAP_SYS_ADMIN");
        }
        return new AppendOnOpen(helper);
    }

    /** Stops appending: the helper ends, and the kernel lets any open it still held go on. */
    @Override
    public void close() throws InterruptedException {
        helper.destroy();
        if (!helper.waitFor(10, TimeUnit.SECONDS)) {
            helper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
