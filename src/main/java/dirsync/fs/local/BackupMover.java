package dirsync.fs.local;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.fs.TreeDeletion;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;

/** Keeps what a pass deletes or overwrites under the pass's backup directory, following no link. */
final class BackupMover {

    private final TreeDeleter deleter;

    /** A mover that deletes what it could only copy with {@code deleter}. */
    BackupMover(TreeDeleter deleter) {
        this.deleter = deleter;
    }

    /** One rename on the same file system; across file systems a copy that keeps links as links, then a delete. */
    void move(Path target, RelPath rel, Path backup, Cancellation cancellation) throws IOException {
        Files.createDirectories(backup.getParent());
        try {
            Files.move(target, backup, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | java.nio.file.ProviderMismatchException otherFileSystem) {
            copyTree(target, backup, cancellation);
            TreeDeletion deletion = Files.isDirectory(target, LocalTree.NOFOLLOW)
                    ? deleter.deleteTree(target, rel, cancellation) : deleteOne(target, rel);
            cancellation.check();
            if (!deletion.complete()) {
                throw deletion.failures().get(0).cause();
            }
        }
    }

    private static TreeDeletion deleteOne(Path target, RelPath rel) {
        try {
            Files.delete(target);
            return new TreeDeletion(1, 0, java.util.List.of());
        } catch (IOException e) {
            return new TreeDeletion(0, 0, java.util.List.of(new TreeDeletion.Failure(rel, e)));
        }
    }

    /** A second name for the file or link where the file system allows (no copy), else a copy. */
    void keep(Path target, Path backup) throws IOException {
        Files.createDirectories(backup.getParent());
        try {
            Files.createLink(backup, target);
        } catch (IOException | UnsupportedOperationException | java.nio.file.ProviderMismatchException noHardLink) {
            copyOne(target, backup);
        }
    }

    private static void copyOne(Path from, Path to) throws IOException {
        if (from.getFileSystem() == to.getFileSystem()) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LocalTree.NOFOLLOW);
        } else if (Files.isSymbolicLink(from)) {
            Files.createSymbolicLink(to, to.getFileSystem().getPath(Files.readSymbolicLink(from).toString()));
        } else {
            Files.copy(from, to); // across providers: content, then the time below
        }
        keepTime(to, Files.readAttributes(from, BasicFileAttributes.class, LocalTree.NOFOLLOW));
    }

    private static void copyTree(Path from, Path to, Cancellation cancellation) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                cancellation.check();
                Files.createDirectory(under(to, from, dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!attrs.isOther()) { // a FIFO or device is not worth keeping, and must not be opened
                    copyOne(file, under(to, from, file));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                // Last, as filling a directory changes its time.
                Path copy = under(to, from, dir);
                Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(dir, LocalTree.NOFOLLOW));
                keepTime(copy, Files.readAttributes(dir, BasicFileAttributes.class, LocalTree.NOFOLLOW));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Where {@code path}, inside {@code from}, goes inside {@code to} (as bytes on one provider, as text across two). */
    private static Path under(Path to, Path from, Path path) {
        Path relative = from.relativize(path);
        return to.getFileSystem() == from.getFileSystem() ? to.resolve(relative) : to.resolve(relative.toString());
    }

    /** Files.copy keeps times to the microsecond only; the backup keeps them to the nanosecond. */
    private static void keepTime(Path copy, BasicFileAttributes original) {
        try {
            Files.getFileAttributeView(copy, BasicFileAttributeView.class, LocalTree.NOFOLLOW)
                    .setTimes(original.lastModifiedTime(), null, null);
        } catch (IOException | UnsupportedOperationException cosmetic) {
            // a link's own time, where the platform cannot set it: the content is what matters
        }
    }
}
