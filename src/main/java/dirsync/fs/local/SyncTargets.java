package dirsync.fs.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which written files a file-system sync can make durable, and which path names their file system to the sync
 * command. A sync is trusted only on local disk file systems whose syncfs(2) writes and waits for every dirty file
 * (not network or FUSE ones, where only each file's own fsync reaches the far end), and only where the file system
 * has a plain path (see {@link FileSystemSync#plain}) in the file's directory or above it. Decided once per device.
 */
final class SyncTargets {

    /** File systems whose syncfs(2) makes every file written before it durable, as fsync would each one. */
    static final Set<String> SYNCFS_DURABLE = Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs");

    /** A file system to sync: its device number, and the plain path that names it to the command. */
    record Target(Object device, Path path) {
    }

    private final Map<Object, Optional<Target>> byDevice = new HashMap<>();

    /** The file system of {@code file} (a file just written), if a sync can make it durable; else empty. */
    Optional<Target> of(Path file) throws IOException {
        Object device = device(file);
        synchronized (byDevice) {
            Optional<Target> known = byDevice.get(device);
            if (known != null) {
                return known;
            }
        }
        Optional<Target> decided = decide(file.getParent(), device);
        synchronized (byDevice) {
            byDevice.putIfAbsent(device, decided);
            return byDevice.get(device);
        }
    }

    /** Whether {@code target}'s path still names its file system (nothing was mounted or unmounted there since). */
    static boolean stillThere(Target target) throws IOException {
        return device(target.path()).equals(target.device());
    }

    private static Optional<Target> decide(Path dir, Object device) throws IOException {
        if (dir == null || !SYNCFS_DURABLE.contains(Files.getFileStore(dir).type())) {
            return Optional.empty();
        }
        for (Path at = dir; at != null; at = at.getParent()) {
            if (!device(at).equals(device)) {
                return Optional.empty(); // above the file system's top
            }
            if (FileSystemSync.plain(at)) {
                return Optional.of(new Target(device, at));
            }
        }
        return Optional.empty();
    }

    /** The device of what {@code path} names, links followed: where a file created through it would be. */
    private static Object device(Path path) throws IOException {
        return Files.getAttribute(path, "unix:dev");
    }
}
