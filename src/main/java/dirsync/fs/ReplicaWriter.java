package dirsync.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every change dirsync makes to the replica goes through here. Files and links are built under a temporary
 * name in their target directory and renamed into place, so a replica entry is always its old or its new
 * content, never half of each. Nothing here follows a symbolic link.
 */
public final class ReplicaWriter {

    /** Temporary names start with this; a leftover from a killed run is an extra entry the next pass removes. */
    public static final String TEMP_PREFIX = ".dirsync-";
    public static final String TEMP_SUFFIX = ".tmp";

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final long TRANSFER_CHUNK = 64L << 20;
    private static final Set<OpenOption> NEW_TEMP_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    // Only the owner may read a file while it is half written; its real permissions are set before the rename.
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final Cancellation cancellation;

    public ReplicaWriter(Cancellation cancellation) {
        this.cancellation = cancellation;
    }

    /**
     * Copies the regular file {@code source}, expected to look like {@code expected}, to {@code target},
     * replacing whatever non-directory is there. Returns the number of bytes copied.
     *
     * @throws SourceChangedException if the source did not keep the size and time it was listed with
     */
    public long installFile(Path source, Entry expected, Path target) throws IOException {
        Path temp = temporarySibling(target);
        boolean installed = false;
        try {
            long copied;
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, NOFOLLOW);
                 FileChannel out = FileChannel.open(temp, NEW_TEMP_FILE, OWNER_ONLY)) {
                copied = transfer(in, out);
            }
            Entry after = DirectoryLister.examine(source);
            if (!after.is(EntryKind.FILE) || copied != expected.size() || after.size() != copied
                    || !after.modified().equals(expected.modified())) {
                throw new SourceChangedException("source changed while it was copied (listed "
                        + expected.size() + " bytes, copied " + copied + ")");
            }
            setAttributes(temp, expected);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            installed = true;
            return copied;
        } finally {
            if (!installed) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** Creates (or atomically replaces a non-directory with) a symlink whose target text is {@code linkTarget}. */
    public void installSymlink(Path target, Entry expected) throws IOException {
        Path temp = temporarySibling(target);
        Files.createSymbolicLink(temp, expected.linkTarget());
        boolean installed = false;
        try {
            setTimesQuietly(temp, expected);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            installed = true;
        } finally {
            if (!installed) {
                Files.deleteIfExists(temp);
            }
        }
    }

    public void createDirectory(Path dir) throws IOException {
        Files.createDirectory(dir);
    }

    /** Sets permissions and modification time of a file or directory, refusing to act through a link. */
    public void setAttributes(Path path, Entry source) throws IOException {
        Files.getFileAttributeView(path, PosixFileAttributeView.class, NOFOLLOW).setPermissions(source.permissions());
        Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW).setTimes(source.modified(), null, null);
    }

    /** Makes sure the owner may create and delete entries in {@code dir}; the pass restores its real mode later. */
    public void ensureOwnerCanWrite(Path dir, Entry current) throws IOException {
        Set<PosixFilePermission> permissions = current.permissions();
        if (!permissions.contains(PosixFilePermission.OWNER_WRITE)
                || !permissions.contains(PosixFilePermission.OWNER_EXECUTE)) {
            Set<PosixFilePermission> writable = new java.util.HashSet<>(permissions);
            writable.add(PosixFilePermission.OWNER_WRITE);
            writable.add(PosixFilePermission.OWNER_EXECUTE);
            Files.getFileAttributeView(dir, PosixFileAttributeView.class, NOFOLLOW).setPermissions(writable);
        }
    }

    /** Deletes a file, symlink or special file (never what a link points to). */
    public void delete(Path path) throws IOException {
        Files.delete(path);
    }

    /**
     * Deletes a directory tree bottom-up without following links: a link inside it is removed as a link.
     * Failures are collected and the rest of the tree is still deleted.
     */
    public TreeDeletion deleteTree(Path root) {
        List<TreeDeletion.Failure> failures = new ArrayList<>();
        long[] counts = new long[2]; // [0] non-directories, [1] directories
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (cancellation.isRequested()) {
                        return FileVisitResult.TERMINATE;
                    }
                    // A read-only directory (mirrored from a read-only source one) can only be emptied by its
                    // owner after giving it write permission back; root needs no such step.
                    try {
                        ensureOwnerCanWrite(dir, DirectoryLister.examine(dir));
                    } catch (IOException e) {
                        failures.add(new TreeDeletion.Failure(dir, e));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    try {
                        Files.delete(file);
                        counts[0]++;
                    } catch (IOException e) {
                        failures.add(new TreeDeletion.Failure(file, e));
                    }
                    return cancellation.isRequested() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    failures.add(new TreeDeletion.Failure(file, e));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    if (e != null) {
                        failures.add(new TreeDeletion.Failure(dir, e));
                        return FileVisitResult.CONTINUE;
                    }
                    try {
                        Files.delete(dir);
                        counts[1]++;
                    } catch (IOException deleteFailure) {
                        failures.add(new TreeDeletion.Failure(dir, deleteFailure));
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            failures.add(new TreeDeletion.Failure(root, e));
        }
        return new TreeDeletion(counts[0], counts[1], failures);
    }

    private long transfer(FileChannel in, FileChannel out) throws IOException {
        long position = 0;
        while (true) {
            cancellation.check();
            long moved = in.transferTo(position, TRANSFER_CHUNK, out);
            if (moved <= 0) {
                return position;
            }
            position += moved;
        }
    }

    private static void setTimesQuietly(Path link, Entry expected) {
        try {
            Files.getFileAttributeView(link, BasicFileAttributeView.class, NOFOLLOW).setTimes(expected.modified(), null, null);
        } catch (IOException | UnsupportedOperationException e) {
            // A link's own time is cosmetic; not every platform can set it.
        }
    }

    private static Path temporarySibling(Path target) {
        byte[] random = new byte[8];
        ThreadLocalRandom.current().nextBytes(random);
        // resolveSibling keeps the directory as a Path (bytes) and adds an ASCII-only name.
        return target.resolveSibling(TEMP_PREFIX + HexFormat.of().formatHex(random) + TEMP_SUFFIX);
    }
}
