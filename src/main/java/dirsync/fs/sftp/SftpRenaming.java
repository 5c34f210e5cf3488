package dirsync.fs.sftp;

import dirsync.fs.Entry;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import java.io.IOException;

/**
 * Renames over SFTP, done by {@code plain}. A file's identity over SFTP is made of its path ({@link SftpEntries}),
 * so a file a rename moved (or whose directory it moved) shows another identity at its new path; {@link #before}
 * gives it the one its old path gave it, the tree, size and time being the same.
 */
final class SftpRenaming implements ReplicaFeatures.Renaming {

    private final ReplicaFeatures.Renaming plain;

    SftpRenaming(ReplicaFeatures.Renaming plain) {
        this.plain = plain;
    }

    @Override
    public void rename(RelPath from, RelPath to) throws IOException {
        plain.rename(from, to);
    }

    @Override
    public Entry before(Entry moved, RelPath from) {
        Entry.Identity identity = moved.identity();
        if (!identity.known()) {
            return moved;
        }
        return moved.withIdentity(new Entry.Identity(identity.device(), SftpEntries.pathId(from), identity.changed(),
                identity.links()));
    }
}
