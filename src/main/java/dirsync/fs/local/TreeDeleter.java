package dirsync.fs.local;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.fs.TreeDeletion;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Deletes and counts directory trees without ever following a link: a link inside is removed as a link, and
 * where the platform offers {@link SecureDirectoryStream} every step is taken relative to an open directory
 * handle, so a directory swapped for a symlink mid-delete is unlinked, never entered.
 */
final class TreeDeleter {

    private final LocalPaths paths;
    private final boolean posixModes;

    /** A deleter in the tree of {@code paths}, which gives its directories owner write access with POSIX modes. */
    TreeDeleter(LocalPaths paths, boolean posixModes) {
        this.paths = paths;
        this.posixModes = posixModes;
    }

    /** Deletes the tree at {@code root}, which is {@code rel} in the local tree (failures are reported by it). */
    TreeDeletion deleteTree(Path root, RelPath rel, Cancellation cancellation) {
        Run run = new Run(cancellation, root, rel);
        Path parent = root.toAbsolutePath().getParent();
        try (DirectoryStream<Path> parentStream = Files.newDirectoryStream(parent)) {
            if (parentStream instanceof SecureDirectoryStream<Path> secure) {
                run.deleteEntry(secure, root.getFileName(), rel);
                return run.result();
            }
        } catch (IOException e) {
            run.failed(rel, e);
            return run.result();
        }
        run.deleteByPath(root);
        return run.result();
    }

    long countTree(Path root, Cancellation cancellation) {
        long[] count = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    cancellation.check();
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
    private final class Run {
        private final Cancellation cancellation;
        private final Path root;
        private final RelPath rel;
        private final List<TreeDeletion.Failure> failures = new ArrayList<>();
        private long nonDirectories;
        private long directories;

        Run(Cancellation cancellation, Path root, RelPath rel) {
            this.cancellation = cancellation;
            this.root = root;
            this.rel = rel;
        }

        TreeDeletion result() {
            return new TreeDeletion(nonDirectories, directories, failures);
        }

        void failed(RelPath path, IOException e) {
            failures.add(new TreeDeletion.Failure(path, e));
        }

        void failed(Path path, IOException e) {
            RelPath where = rel;
            for (Path element : root.relativize(path)) {
                if (!element.toString().isEmpty()) {
                    where = where.resolve(paths.nameOf(element));
                }
            }
            failed(where, e);
        }

        /** Deletes {@code name} inside the open directory {@code parent}; {@code path} is only for reports. */
        void deleteEntry(SecureDirectoryStream<Path> parent, Path name, RelPath path) {
            if (cancellation.isRequested()) {
                return;
            }
            PosixFileAttributes attributes;
            try {
                attributes = parent.getFileAttributeView(name, PosixFileAttributeView.class, LocalTree.NOFOLLOW)
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
            try (SecureDirectoryStream<Path> dir = parent.newDirectoryStream(name, LocalTree.NOFOLLOW)) {
                makeOwnerWritable(parent, name, attributes.permissions());
                // Names first, deletions after: unlinking while reading a directory may skip entries.
                List<Path> names = new ArrayList<>();
                for (Path child : dir) {
                    names.add(child.getFileName());
                }
                names.sort(null);
                for (Path child : names) {
                    deleteEntry(dir, child, path.resolve(paths.nameOf(child)));
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
                return parent.getFileAttributeView(name, PosixFileAttributeView.class, LocalTree.NOFOLLOW)
                        .readAttributes().isDirectory();
            } catch (IOException e) {
                return true; // unknown: do not try to unlink it
            }
        }

        private void unlink(SecureDirectoryStream<Path> parent, Path name, RelPath path) {
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
            Set<PosixFilePermission> writable = AttributeWriter.ownerWritable(now);
            if (writable != null) {
                parent.getFileAttributeView(name, PosixFileAttributeView.class, LocalTree.NOFOLLOW)
                        .setPermissions(writable);
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
                            Set<PosixFilePermission> writable = posixModes
                                    ? AttributeWriter.ownerWritable(Files.getPosixFilePermissions(dir, LocalTree.NOFOLLOW))
                                    : null;
                            if (writable != null) {
                                Files.setPosixFilePermissions(dir, writable);
                            }
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
}
