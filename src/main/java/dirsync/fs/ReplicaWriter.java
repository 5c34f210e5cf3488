package dirsync.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
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
    private final Md5 md5;
    private final Progress progress;

    /**
     * @param md5      for verifying copies; used only by the calling thread, between its own hashing
     * @param progress counts the bytes copied, for progress reports
     */
    public ReplicaWriter(Cancellation cancellation, Md5 md5, Progress progress) {
        this.cancellation = cancellation;
        this.md5 = md5;
        this.progress = progress;
    }

    /**
     * Copies the regular file {@code source}, listed as {@code expected}, to {@code target}, replacing whatever
     * non-directory is there, and returns the number of bytes copied. The copy is built under a temporary
     * name, verified, forced to disk and only then renamed into place, so that a crash or power cut at any
     * moment leaves {@code target} with its old or its new content.
     *
     * @param expectedMd5 the source's MD5 if this pass already computed it (the copy must match it), or null
     * @throws SourceChangedException if the source changed before or during the copy (size, modification
     *                                time or change time moved, or the copy's MD5 differs)
     */
    public long installFile(Path source, Entry expected, Path target, byte[] expectedMd5) throws IOException {
        Path temp = temporarySibling(target);
        boolean installed = false;
        try {
            Stamp before = Stamp.of(source);
            if (!before.matches(expected)) {
                throw new SourceChangedException("source changed since it was listed");
            }
            long copied;
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ, NOFOLLOW);
                 FileChannel out = FileChannel.open(temp, NEW_TEMP_FILE, OWNER_ONLY)) {
                copied = transfer(in, out);
                out.force(true);
            }
            // Any write to the source during the copy moves its change time, which no one can set back.
            if (!Stamp.of(source).equals(before) || copied != before.size()) {
                throw new SourceChangedException("source changed while it was copied");
            }
            if (expectedMd5 != null && !Arrays.equals(md5.of(temp, cancellation), expectedMd5)) {
                throw new SourceChangedException("copy does not match the source's MD5");
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

    /** What tells a file's content apart without reading it: size, modification time and change time. */
    private record Stamp(EntryKind kind, long size, FileTime modified, Object changed) {

        static Stamp of(Path file) throws IOException {
            Map<String, Object> unix = Files.readAttributes(file, "unix:size,lastModifiedTime,ctime,mode", NOFOLLOW);
            int type = (Integer) unix.get("mode") & 0170000;
            return new Stamp(type == 0100000 ? EntryKind.FILE : EntryKind.SPECIAL, (Long) unix.get("size"),
                    (FileTime) unix.get("lastModifiedTime"), unix.get("ctime"));
        }

        boolean matches(Entry listed) {
            return kind == EntryKind.FILE && size == listed.size() && modified.equals(listed.modified());
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
            Set<PosixFilePermission> writable = new HashSet<>(permissions);
            writable.add(PosixFilePermission.OWNER_WRITE);
            writable.add(PosixFilePermission.OWNER_EXECUTE);
            Files.getFileAttributeView(dir, PosixFileAttributeView.class, NOFOLLOW).setPermissions(writable);
        }
    }

    /**
     * Moves a replica entry (a directory with all it holds) to {@code backup}: one rename on the same file
     * system; across file systems a copy that keeps links as links, then a delete.
     */
    public void moveToBackup(Path target, Path backup) throws IOException {
        Files.createDirectories(backup.getParent());
        try {
            Files.move(target, backup, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException otherFileSystem) {
            copyTree(target, backup);
            TreeDeletion deletion = deleteTree(target);
            cancellation.check();
            if (!deletion.complete()) {
                throw deletion.failures().get(0).cause();
            }
        }
    }

    /**
     * Keeps the current version of a replica file or link at {@code backup} before it is overwritten: a hard
     * link where the file system allows (no copy, and the rename that follows leaves it untouched), else a copy.
     */
    public void keepInBackup(Path target, Path backup) throws IOException {
        Files.createDirectories(backup.getParent());
        try {
            Files.createLink(backup, target);
        } catch (IOException | UnsupportedOperationException noHardLink) {
            Files.copy(target, backup, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
    }

    private void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                cancellation.check();
                Files.copy(dir, to.resolve(from.relativize(dir)), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isOther()) { // a FIFO or device is not worth keeping, and must not be opened
                    Path copy = to.resolve(from.relativize(file));
                    Files.copy(file, copy, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    keepTime(copy, attrs);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                // Last, as filling a directory changes its time.
                keepTime(to.resolve(from.relativize(dir)), Files.readAttributes(dir, BasicFileAttributes.class, NOFOLLOW));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Files.copy keeps times to the microsecond only; the backup keeps them to the nanosecond. */
    private static void keepTime(Path copy, BasicFileAttributes original) {
        try {
            Files.getFileAttributeView(copy, BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(original.lastModifiedTime(), null, null);
        } catch (IOException | UnsupportedOperationException cosmetic) {
            // a link's own time, where the platform cannot set it: the content is what matters
        }
    }

    /** Deletes a file, symlink or special file (never what a link points to). */
    public void delete(Path path) throws IOException {
        Files.delete(path);
    }

    /**
     * Deletes a directory tree bottom-up without ever following a link: a link inside it is removed as a
     * link, and where the platform offers {@link SecureDirectoryStream} every step is taken relative to an
     * open directory handle, so a directory swapped for a symlink mid-delete is unlinked, never entered.
     * Failures are collected and the rest of the tree is still deleted.
     */
    public TreeDeletion deleteTree(Path root) {
        TreeDeleter deleter = new TreeDeleter(root);
        Path parent = root.toAbsolutePath().getParent();
        try (DirectoryStream<Path> parentStream = Files.newDirectoryStream(parent)) {
            if (parentStream instanceof SecureDirectoryStream<Path> secure) {
                deleter.deleteEntry(secure, root.getFileName(), root);
                return deleter.result();
            }
        } catch (IOException e) {
            deleter.failed(root, e);
            return deleter.result();
        }
        deleter.deleteByPath(root);
        return deleter.result();
    }

    /** How many entries a tree holds, itself included, without following links; unreadable parts count as 1. */
    public long countTree(Path root) {
        long[] count = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    count[0]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    count[0]++;
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    count[0]++;
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            return Math.max(1, count[0]);
        }
        return count[0];
    }

    /** One recursive delete: counts, failures, and the two ways of walking. */
    private final class TreeDeleter {
        private final Path root;
        private final List<TreeDeletion.Failure> failures = new ArrayList<>();
        private long nonDirectories;
        private long directories;

        TreeDeleter(Path root) {
            this.root = root;
        }

        TreeDeletion result() {
            return new TreeDeletion(nonDirectories, directories, failures);
        }

        void failed(Path path, IOException e) {
            failures.add(new TreeDeletion.Failure(path, e));
        }

        /** Deletes {@code name} inside the open directory {@code parent}; {@code path} is only for reports. */
        void deleteEntry(SecureDirectoryStream<Path> parent, Path name, Path path) {
            if (cancellation.isRequested()) {
                return;
            }
            PosixFileAttributes attributes;
            try {
                attributes = parent.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW)
                        .readAttributes();
            } catch (NoSuchFileException gone) {
                return;
            } catch (IOException e) {
                failed(path, e);
                return;
            }
            if (!attributes.isDirectory()) {
                unlink(parent, name, path);
                return;
            }
            if (cancellation.isRequested()) {
                return; // also the moment a test may swap the directory for a link
            }
            try (SecureDirectoryStream<Path> dir = parent.newDirectoryStream(name, NOFOLLOW)) {
                makeOwnerWritable(parent, name, attributes.permissions());
                // Names first, deletions after: unlinking while reading a directory may skip entries.
                List<Path> names = new ArrayList<>();
                for (Path child : dir) {
                    names.add(child.getFileName());
                }
                names.sort(null);
                for (Path child : names) {
                    deleteEntry(dir, child, path.resolve(child));
                }
            } catch (FileSystemException e) {
                if (stillADirectory(parent, name)) {
                    failed(path, e);
                } else {
                    // Swapped for a link (or a file) since it was examined: O_NOFOLLOW refused to enter it.
                    unlink(parent, name, path);
                }
                return;
            } catch (IOException | DirectoryIteratorException e) {
                failed(path, e instanceof DirectoryIteratorException d ? d.getCause() : (IOException) e);
                return;
            }
            if (cancellation.isRequested()) {
                return;
            }
            try {
                parent.deleteDirectory(name);
                directories++;
            } catch (NoSuchFileException gone) {
                // already gone
            } catch (IOException e) {
                failed(path, e);
            }
        }

        private boolean stillADirectory(SecureDirectoryStream<Path> parent, Path name) {
            try {
                return parent.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW).readAttributes()
                        .isDirectory();
            } catch (IOException e) {
                return true; // unknown: do not try to unlink it
            }
        }

        private void unlink(SecureDirectoryStream<Path> parent, Path name, Path path) {
            try {
                parent.deleteFile(name);
                nonDirectories++;
            } catch (NoSuchFileException gone) {
                // already gone
            } catch (IOException e) {
                failed(path, e);
            }
        }

        private void makeOwnerWritable(SecureDirectoryStream<Path> parent, Path name, Set<PosixFilePermission> now)
                throws IOException {
            if (!now.contains(PosixFilePermission.OWNER_WRITE) || !now.contains(PosixFilePermission.OWNER_EXECUTE)) {
                Set<PosixFilePermission> writable = new HashSet<>(now);
                writable.add(PosixFilePermission.OWNER_WRITE);
                writable.add(PosixFilePermission.OWNER_EXECUTE);
                parent.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW).setPermissions(writable);
            }
        }

        /** The fallback where no secure directory stream exists: a path-based walk that follows no link. */
        void deleteByPath(Path start) {
            try {
                Files.walkFileTree(start, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        if (cancellation.isRequested()) {
                            return FileVisitResult.TERMINATE;
                        }
                        try {
                            ensureOwnerCanWrite(dir, DirectoryLister.examine(dir));
                        } catch (IOException e) {
                            failed(dir, e);
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        try {
                            Files.delete(file);
                            nonDirectories++;
                        } catch (IOException e) {
                            failed(file, e);
                        }
                        return cancellation.isRequested() ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        failed(file, e);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                        if (e != null) {
                            failed(dir, e);
                            return FileVisitResult.CONTINUE;
                        }
                        try {
                            Files.delete(dir);
                            directories++;
                        } catch (IOException deleteFailure) {
                            failed(dir, deleteFailure);
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
            } catch (IOException e) {
                failed(start, e);
            }
        }
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
            progress.copied(moved);
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
