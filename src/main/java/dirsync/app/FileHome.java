package dirsync.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * Whether a path dirsync writes a file of its own at (the log, the status file, the backups) is a place for files:
 * not a FIFO, a device or a socket, and not on a file system whose entries are the kernel's (procfs, sysfs, ...),
 * where a write goes nowhere or changes the system: {@code /proc/sys/kernel/hostname} as a log would rename the host.
 */
final class FileHome {

    /** File system types that hold no files of the user's: the kernel's views and controls. tmpfs holds files. */
    private static final Set<String> PSEUDO = Set.of("proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2",
            "debugfs", "tracefs", "securityfs", "configfs", "bpf", "pstore", "efivarfs", "mqueue", "binfmt_misc",
            "fusectl", "hugetlbfs", "rpc_pipefs", "nfsd", "selinuxfs", "smackfs", "nsfs", "pipefs",
            "sockfs", "cpuset", "resctrl", "binder", "functionfs", "gadgetfs", "usbfs", "xenfs", "spufs");

    private static final int TYPE_BITS = 0170000;
    private static final int FIFO = 0010000;
    private static final int CHARACTER_DEVICE = 0020000;
    private static final int BLOCK_DEVICE = 0060000;
    private static final int SOCKET = 0140000;

    private FileHome() {
    }

    /**
     * What is wrong with a file at {@code real} (a real path, of an existing entry or of one to be created), or
     * null if nothing: the words that follow its name in a message.
     */
    static String problemWithFile(Path real) {
        if (Files.exists(real, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            String kind = kind(real);
            return kind == null ? "is not a regular file" : "is " + kind + ", not a regular file";
        }
        return problemWithFileSystem(real);
    }

    /** What is wrong with the file system {@code real} is (or would be created) on, or null if nothing. */
    static String problemWithFileSystem(Path real) {
        Path existing = Roots.nearestExisting(real);
        String type;
        try {
            type = existing == null ? "" : Files.getFileStore(existing).type();
        } catch (IOException | SecurityException e) {
            return null; // no mount entry to be found: nothing known against it, and the write will tell
        }
        if (!PSEUDO.contains(type)) {
            return null;
        }
        return (existing.equals(real) ? "is" : "would be created") + " on a " + type + " file system (" + whose(type)
                + ", not files to write to)";
    }

    private static String whose(String type) {
        switch (type) {
            case "proc":
                return "its entries are the kernel's view of processes and settings";
            case "sysfs":
                return "its entries are the kernel's view of devices and drivers";
            case "devtmpfs":
            case "devpts":
                return "its entries are devices";
            default:
                return "its entries are the kernel's";
        }
    }

    private static String kind(Path path) {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        switch (mode & TYPE_BITS) {
            case FIFO:
                return "a FIFO (named pipe)";
            case CHARACTER_DEVICE:
                return "a character device";
            case BLOCK_DEVICE:
                return "a block device";
            case SOCKET:
                return "a socket";
            default:
                return null;
        }
    }
}
