package dirsync.fs.sftp;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.fs.TreeDeletion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * Deletes and counts remote directory trees bottom-up, never following a link: every entry's type comes from an
 * LSTAT or from READDIR's attributes (which are lstat's), a link or file is removed with REMOVE (unlink), and a
 * directory is entered only right after an LSTAT said it is one.
 * <p>
 * SFTP has no call relative to an open directory (no openat): a directory that someone else swaps for a link in
 * the one round trip between that LSTAT and the listing could still be entered. Locally, {@code TreeDeleter}
 * closes this window with a {@code SecureDirectoryStream}; over SFTP it can only be kept that short.
 */
final class RemoteDeleter {

    private static final int OWNER_WRITE_AND_EXECUTE = 0300;

    private final Channels channels;
    private final SftpNames names;

    RemoteDeleter(Channels channels, SftpNames names) {
        this.channels = channels;
        this.names = names;
    }

    TreeDeletion deleteTree(RelPath path, Cancellation cancellation) {
        Run run = new Run(cancellation);
        run.delete(path);
        return new TreeDeletion(run.nonDirectories, run.directories, run.failures);
    }

    long countTree(RelPath path, Cancellation cancellation) {
        SftpClient.Attributes attributes;
        try {
            attributes = calls().lstat(names.path(path));
        } catch (IOException e) {
            return 1;
        }
        return attributes.isDirectory() ? countDirectory(path, cancellation) : 1;
    }

    private long countDirectory(RelPath dir, Cancellation cancellation) {
        cancellation.check();
        long count = 1;
        List<SftpClient.DirEntry> entries;
        try {
            entries = calls().readDir(names.path(dir));
        } catch (IOException e) {
            return count;
        }
        for (SftpClient.DirEntry entry : entries) {
            count += entry.getAttributes().isDirectory()
                    ? countDirectory(dir.resolve(SftpNames.name(entry.getFilename())), cancellation) : 1;
        }
        return count;
    }

    /** One recursive delete: what it removed and what it could not. */
    private final class Run {
        private final Cancellation cancellation;
        private final List<TreeDeletion.Failure> failures = new ArrayList<>();
        private long nonDirectories;
        private long directories;

        Run(Cancellation cancellation) {
            this.cancellation = cancellation;
        }

        void delete(RelPath path) {
            if (cancellation.isRequested()) {
                return;
            }
            SftpClient.Attributes attributes;
            try {
                attributes = calls().lstat(names.path(path));
            } catch (IOException e) {
                if (!SftpErrors.missing(e)) {
                    failures.add(new TreeDeletion.Failure(path, e));
                }
                return;
            }
            if (attributes.isDirectory()) {
                deleteDirectory(path, attributes.getPermissions());
            } else {
                unlink(path);
            }
        }

        private void deleteDirectory(RelPath path, int mode) {
            String wire = names.path(path);
            List<SftpClient.DirEntry> entries;
            try {
                if ((mode & OWNER_WRITE_AND_EXECUTE) != OWNER_WRITE_AND_EXECUTE) {
                    calls().setAttributes(wire, (mode & 0777) | OWNER_WRITE_AND_EXECUTE, -1);
                }
                entries = calls().readDir(wire);
            } catch (IOException e) {
                if (!SftpErrors.missing(e)) {
                    failures.add(new TreeDeletion.Failure(path, e));
                }
                return;
            }
            // Names first, deletions after, in byte order (as a local deletion goes).
            entries.sort(Comparator.comparing(entry -> SftpNames.name(entry.getFilename())));
            for (SftpClient.DirEntry entry : entries) {
                if (cancellation.isRequested()) {
                    return;
                }
                RelPath child = path.resolve(SftpNames.name(entry.getFilename()));
                if (entry.getAttributes().isDirectory()) {
                    delete(child); // examined again right before it is entered
                } else {
                    unlink(child);
                }
            }
            if (cancellation.isRequested()) {
                return;
            }
            try {
                calls().rmdir(wire);
                directories++;
            } catch (IOException e) {
                if (!SftpErrors.missing(e)) {
                    failures.add(new TreeDeletion.Failure(path, e));
                }
            }
        }

        private void unlink(RelPath path) {
            try {
                calls().remove(names.path(path));
                nonDirectories++;
            } catch (IOException e) {
                if (!SftpErrors.missing(e)) {
                    failures.add(new TreeDeletion.Failure(path, e));
                }
            }
        }
    }

    /** This thread's channel. */
    private RemoteCalls calls() {
        return channels.get();
    }
}
