package dirsync.watch;

import dirsync.fs.local.KernelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The kernel's limit on inotify watches, which counts the watches of all programs of one user together, and
 * what it must be raised to once it stopped watches. Outside containers it is the sysctl
 * {@code fs.inotify.max_user_watches}. A user namespace (a rootless container, say) has a limit of its own,
 * {@code user.max_inotify_watches}, and the lower of the two binds; a namespace between this one and the first
 * cannot be seen from here.
 *
 * @param sysctl    the name of the limit that binds
 * @param value     its value: as many watches as were in use when one failed
 * @param namespace whether it is this user namespace's own limit rather than the system-wide one
 */
record WatchLimit(String sysctl, long value, boolean namespace) {

    static final String SYSTEM_WIDE = "fs.inotify.max_user_watches";
    static final String OF_NAMESPACE = "user.max_inotify_watches";
    private static final Path SYSTEM_WIDE_FILE = Path.of("/proc/sys/fs/inotify/max_user_watches");
    private static final Path OF_NAMESPACE_FILE = Path.of("/proc/sys/user/max_inotify_watches");

    /** The limit that binds this process now; empty if neither can be read. */
    static Optional<WatchLimit> current() {
        return binding(read(SYSTEM_WIDE_FILE), read(OF_NAMESPACE_FILE));
    }

    /**
     * The lower of the two; the system-wide one when they are equal (in the first user namespace both files
     * show the same value).
     */
    static Optional<WatchLimit> binding(OptionalLong systemWide, OptionalLong ofNamespace) {
        if (ofNamespace.isPresent()
                && (systemWide.isEmpty() || ofNamespace.getAsLong() < systemWide.getAsLong())) {
            return Optional.of(new WatchLimit(OF_NAMESPACE, ofNamespace.getAsLong(), true));
        }
        if (systemWide.isPresent()) {
            return Optional.of(new WatchLimit(SYSTEM_WIDE, systemWide.getAsLong(), false));
        }
        return Optional.empty();
    }

    /**
     * The least value that lets every directory be watched: the limit was reached, so the watches in use are
     * the limit, and each directory not watched needs one more.
     */
    long needed(long unwatched) {
        return value + unwatched;
    }

    /**
     * The value to set: {@link #needed} and a quarter more, for directories made later and other programs of
     * the same user, rounded up to two significant digits (60,301 gives 76,000).
     */
    long advised(long unwatched) {
        long withRoom = (needed(unwatched) * 5 + 3) / 4;
        long step = 1;
        while (withRoom / step >= 100) {
            step *= 10;
        }
        return (withRoom + step - 1) / step * step;
    }

    private static OptionalLong read(Path file) {
        try {
            return OptionalLong.of(Long.parseLong(KernelFiles.read(file).strip()));
        } catch (IOException | RuntimeException unknown) {
            return OptionalLong.empty();
        }
    }
}
