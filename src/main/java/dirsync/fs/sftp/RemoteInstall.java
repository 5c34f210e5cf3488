package dirsync.fs.sftp;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.Md5;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceChangedException;
import dirsync.fs.SourceTree;
import dirsync.fs.Work;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.security.MessageDigest;
import java.util.Arrays;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * Puts files and links on the server so that a name always shows its old or its complete new content, as
 * {@code fs.local.AtomicInstall} does locally: a temporary name in the target's directory, opened exclusively
 * (never through a link), written with several requests in flight, forced to disk with fsync@openssh.com, closed,
 * given its owner, mode and times ({@link RemoteAttributes#forNewFile}, sent by {@link SetStat}), then renamed
 * over the target with posix-rename@openssh.com. Without either extension nothing is written: a plain RENAME fails
 * on an existing target, and writing in place could leave a torn file. The temporary name is removed if anything
 * fails; if the connection is gone, the next pass deletes it as an entry the source does not have.
 */
final class RemoteInstall {

    private final Channels channels;
    private final SftpNames names;
    /** The "device" of the tree's file identities (see {@link SftpEntries}). */
    private final long treeId;
    /** What a new file gets besides its content (owner, mode, time). */
    private final RemoteAttributes attributes;

    RemoteInstall(Channels channels, SftpNames names, long treeId, RemoteAttributes attributes) {
        this.channels = channels;
        this.names = names;
        this.treeId = treeId;
        this.attributes = attributes;
    }

    /**
     * Installs a copy; what it returns has the replica file in the state the tree's listing shows it once SETSTAT
     * and the rename succeeded (SFTP has no inode or change time to read back).
     */
    ReplicaTree.Installed file(SourceTree source, RelPath rel, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        requireDurableRename();
        Entry before = SourceChangedException.requireAsListed(source, rel, expected);
        // The MD5 of the bytes as they are sent: SSH's MAC guards them on the way, fsync on the server's disk.
        MessageDigest digest = expectedMd5 == null ? null : Md5.newDigest();
        long bytes = install(source, rel, expected, Long.MAX_VALUE, digest, work, (temp, copied) -> {
            SourceChangedException.requireUnchangedSince(source, rel, before, copied);
            if (digest != null && !Arrays.equals(digest.digest(), expectedMd5)) {
                throw new SourceChangedException("copy does not match the source's MD5");
            }
        });
        return new ReplicaTree.Installed(bytes, before, SftpEntries.installed(treeId, rel, bytes, expected));
    }

    /**
     * A copy of what is read, at most the size the source has as it begins, installed whatever the source does
     * meanwhile: its bytes are hashed as they are sent, and the file on the server, read back, must have that hash.
     */
    ReplicaTree.AsRead fileAsRead(SourceTree source, RelPath rel, Entry expected, Work work) throws IOException {
        requireDurableRename();
        Entry before = SourceChangedException.requireRegularFile(source, rel);
        MessageDigest sent = Md5.newDigest();
        boolean[] changed = new boolean[1];
        long bytes = install(source, rel, expected, before.size(), sent, work, (temp, copied) -> {
            byte[] readBack;
            try (SeekableByteChannel written = new RemoteReadChannel(calls().read(temp), copied, calls(), temp)) {
                readBack = work.md5().of(written, work.cancellation());
            }
            if (!Arrays.equals(readBack, sent.digest())) {
                throw new IOException("the copy does not read back as it was written");
            }
            changed[0] = !SourceChangedException.unchangedSince(source, rel, before, copied);
        });
        return new ReplicaTree.AsRead(bytes, changed[0]);
    }

    /** What checks a written, durable, closed temporary file before it is given its attributes and name. */
    @FunctionalInterface
    private interface Check {
        void written(String temp, long copied) throws IOException;
    }

    private void requireDurableRename() throws IOException {
        require(RemoteCalls.FSYNC, "a copy cannot be made durable before it takes its name");
        require(RemoteCalls.POSIX_RENAME, "a copy cannot replace a file in one step");
    }

    /**
     * Writes at most {@code limit} bytes of the source under a temporary name, created exclusively (never through a
     * link), with several requests in flight, {@code digest} (if not null) seeing each; forces it to disk, closes
     * it, has {@code check} check it, gives it {@code expected}'s mode and time, and renames it over the target.
     * The temporary file is removed if anything fails. Returns the bytes written.
     */
    private long install(SourceTree source, RelPath rel, Entry expected, long limit, MessageDigest digest, Work work,
                         Check check) throws IOException {
        String target = names.creating(rel);
        String temp = names.temporarySibling(rel);
        boolean created = false;
        boolean installed = false;
        try {
            long copied;
            try (SeekableByteChannel in = source.open(rel)) {
                SftpClient.CloseableHandle handle = calls().createExclusive(temp);
                created = true;
                try {
                    copied = new PipelinedWrite(calls(), handle, temp).from(in, limit, digest, work);
                    calls().fsync(handle, temp);
                } catch (IOException | RuntimeException | Error e) {
                    closeQuietly(handle, temp);
                    throw e;
                }
                calls().close(handle, temp); // a server may report a failed write only here
            }
            check.written(temp, copied);
            SetStat.apply(calls(), temp, attributes.forNewFile(expected));
            calls().posixRename(temp, target);
            installed = true;
            return copied;
        } finally {
            if (created && !installed) {
                removeQuietly(temp);
            }
        }
    }

    void symlink(RelPath rel, Entry expected) throws IOException {
        require(RemoteCalls.POSIX_RENAME, "a link cannot replace an entry in one step");
        String target = names.creating(rel);
        String text = names.linkTarget(rel, expected.linkTarget());
        String temp = names.temporarySibling(rel);
        calls().symlink(temp, text);
        boolean installed = false;
        try {
            if (calls().offers(RemoteCalls.LSETSTAT)) {
                setTimeQuietly(temp, expected);
            }
            calls().posixRename(temp, target);
            installed = true;
        } finally {
            if (!installed) {
                removeQuietly(temp);
            }
        }
    }

    private void require(String extension, String why) throws IOException {
        if (!calls().offers(extension)) {
            throw new IOException("the SFTP server does not offer " + extension + ": " + why + ", and dirsync never"
                    + " writes in place");
        }
    }

    /** Size, time and identity (the source's tree knows its change time, which every write moves). */
    /**
     * A link's own time and owner (lsetstat never follows it): a server that cannot set them is no error (the next
     * pass finds the link's owner not carried and makes it again).
     */
    private void setTimeQuietly(String link, Entry expected) {
        try {
            SetStat.apply(calls(), link, attributes.forNewLink(expected));
        } catch (IOException e) {
            // left as made
        }
    }

    private void closeQuietly(SftpClient.Handle handle, String path) {
        try {
            calls().close(handle, path);
        } catch (IOException e) {
            // the first failure is the one reported
        }
    }

    private void removeQuietly(String temp) {
        try {
            calls().remove(temp);
        } catch (IOException e) {
            // a dropped connection: the next pass deletes it as an entry the source does not have
        }
    }

    /** This thread's channel. */
    private RemoteCalls calls() {
        return channels.get();
    }
}
