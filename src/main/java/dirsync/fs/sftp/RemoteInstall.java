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
import dirsync.fs.sftp.SftpErrors.Doing;
import java.util.Arrays;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * Puts files and links on the server so that a name always shows its old or its complete new content, as
 * {@code fs.local.AtomicInstall} does locally: a temporary name in the target's directory, opened exclusively
 * (never through a link); then, once OPEN's handle is back, without waiting on the way: the writes (several in
 * flight), its owner (where carried, an FSETSTAT of its own first: a chown clears setuid), one FSETSTAT with mode
 * and times ({@link RemoteAttributes#forNewFile}; atime and mtime together: SFTP v3 has no flag for mtime alone),
 * fsync@openssh.com and CLOSE; then every answer, in order. Only if all were OK and the local checks pass is the
 * file renamed over the target with posix-rename@openssh.com. Without either extension nothing is written: a plain
 * RENAME fails on an existing target, and writing in place could leave a torn file. (A group commit leaves the
 * fsync out and renames after one shared sync: {@link GroupInstall}.) The temporary name is removed if anything
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

    /** A temporary file written, given its attributes and closed, every answer OK; not yet renamed. */
    record Written(String temp, String target, long bytes) {
    }

    /**
     * Installs a copy; what it returns has the replica file in the state the tree's listing shows it once the
     * rename succeeded (SFTP has no inode or change time to read back).
     */
    ReplicaTree.Installed file(SourceTree source, RelPath rel, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        requireDurableRename();
        Entry before = SourceChangedException.requireAsListed(source, rel, expected);
        Written written = verifiedSince(source, rel, expected, before, expectedMd5, work, true);
        rename(written);
        return installed(rel, expected, written, before);
    }

    /**
     * The first half of {@link #file} for a group commit: the copy written (not forced to disk), given its
     * attributes, closed and verified as {@link #file} verifies it, and left under its temporary name; the source's
     * state through the copy goes with it. The caller renames it once a sync made it durable, or removes it.
     */
    Verified aside(SourceTree source, RelPath rel, Entry expected, Work work) throws IOException {
        require(RemoteCalls.POSIX_RENAME, "a copy cannot replace a file in one step");
        Entry before = SourceChangedException.requireAsListed(source, rel, expected);
        return new Verified(verifiedSince(source, rel, expected, before, null, work, false), before);
    }

    /** A copy written aside and checked, and the source's entry as it was all through the copy. */
    record Verified(Written written, Entry before) {
    }

    /** What {@link #file} returns for a copy {@code written} and renamed, {@code before} the source all through it. */
    ReplicaTree.Installed installed(RelPath rel, Entry expected, Written written, Entry before) {
        return new ReplicaTree.Installed(written.bytes(), before,
                SftpEntries.installed(treeId, rel, written.bytes(), expected));
    }

    /** Writes the copy aside, then checks that the source did not change meanwhile and that the MD5 is the one asked. */
    private Written verifiedSince(SourceTree source, RelPath rel, Entry expected, Entry before, byte[] expectedMd5,
                                  Work work, boolean force) throws IOException {
        // The MD5 of the bytes as they are sent: SSH's MAC guards them on the way, fsync or sync on the server's disk.
        MessageDigest digest = expectedMd5 == null ? null : Md5.newDigest();
        Written written = write(source, rel, Long.MAX_VALUE, digest, work, force, expected);
        checked(written, () -> {
            SourceChangedException.requireUnchangedSince(source, rel, before, written.bytes());
            if (digest != null && !Arrays.equals(digest.digest(), expectedMd5)) {
                throw new SourceChangedException("copy does not match the source's MD5");
            }
        });
        return written;
    }

    /**
     * A copy of what is read, at most the size the source has as it begins, installed whatever the source does
     * meanwhile: its bytes are hashed as they are sent, and the file on the server, read back, must have that hash.
     * Its attributes are set after the read back (a mode may forbid reading).
     */
    ReplicaTree.AsRead fileAsRead(SourceTree source, RelPath rel, Entry expected, Work work) throws IOException {
        requireDurableRename();
        Entry before = SourceChangedException.requireRegularFile(source, rel);
        MessageDigest sent = Md5.newDigest();
        Written written = write(source, rel, before.size(), sent, work, true, null);
        boolean[] changed = new boolean[1];
        checked(written, () -> {
            byte[] readBack;
            try (SeekableByteChannel back = new RemoteReadChannel(calls().read(written.temp()), written.bytes(),
                    calls(), written.temp())) {
                readBack = work.md5().of(back, work.cancellation());
            }
            if (!Arrays.equals(readBack, sent.digest())) {
                throw new IOException("the copy does not read back as it was written");
            }
            changed[0] = !SourceChangedException.unchangedSince(source, rel, before, written.bytes());
            SetStat.apply(calls(), written.temp(), attributes.forNewFile(expected));
        });
        rename(written);
        return new ReplicaTree.AsRead(written.bytes(), changed[0]);
    }

    /** What checks a written, closed temporary file before it takes its name. */
    @FunctionalInterface
    private interface Check {
        void run() throws IOException;
    }

    /** Runs {@code check} on a written file; if it fails, the file is removed. */
    private void checked(Written written, Check check) throws IOException {
        boolean passed = false;
        try {
            check.run();
            passed = true;
        } finally {
            if (!passed) {
                removeQuietly(written.temp());
            }
        }
    }

    /** Renames a written (and durable) file over its target; removes it if that fails. */
    void rename(Written written) throws IOException {
        checked(written, () -> calls().posixRename(written.temp(), written.target()));
    }

    private void requireDurableRename() throws IOException {
        require(RemoteCalls.FSYNC, "a copy cannot be made durable before it takes its name");
        require(RemoteCalls.POSIX_RENAME, "a copy cannot replace a file in one step");
    }

    /**
     * Writes at most {@code limit} bytes of the source under a temporary name, created exclusively (never through a
     * link); then, on one train of requests: the writes ({@code digest}, if not null, seeing each), {@code expected}'s
     * mode and time (if not null) by FSETSTAT, an fsync if {@code force}, and CLOSE; then collects every answer. The
     * temporary file is removed if anything fails.
     */
    private Written write(SourceTree source, RelPath rel, long limit, MessageDigest digest, Work work, boolean force,
                          Entry expected) throws IOException {
        String target = names.creating(rel);
        String temp = names.temporarySibling(rel);
        RemoteCalls calls = calls();
        RequestTrain train = new RequestTrain(calls);
        boolean created = false;
        boolean closing = false;
        boolean written = false;
        SftpClient.Handle handle = null;
        // What the file gets, its time checked for the wire, before anything of it is sent.
        SetStat.Change change = expected == null ? null : attributes.forNewFile(expected);
        try (SeekableByteChannel in = source.open(rel)) {
            handle = calls.createExclusive(temp);
            created = true;
            long copied = new PipelinedWrite(train, handle, temp).from(in, limit, digest, work);
            if (change != null) {
                if (change.owner()) {
                    train.send(SftpConstants.SSH_FXP_FSETSTAT, RawRequests.owner(handle, change), temp, Doing.OTHER);
                }
                train.send(SftpConstants.SSH_FXP_FSETSTAT, RawRequests.attributes(handle, change.mode(),
                        change.mtime()), temp, Doing.OTHER);
            }
            if (force) {
                train.send(SftpConstants.SSH_FXP_EXTENDED, RawRequests.fsync(handle), temp, Doing.WRITING);
            }
            closing = true;
            train.send(SftpConstants.SSH_FXP_CLOSE, RawRequests.close(handle), temp, Doing.WRITING);
            train.awaitAll(); // a server may report a failed write only at the close
            written = true;
            return new Written(temp, target, copied);
        } finally {
            if (!written) {
                train.forget();
                if (handle != null && !closing) {
                    closeQuietly(handle, temp);
                }
                if (created) {
                    removeQuietly(temp);
                }
            }
        }
    }

    void symlink(RelPath rel, Entry expected) throws IOException {
        require(RemoteCalls.POSIX_RENAME, "a link cannot replace an entry in one step");
        String target = names.creating(rel);
        String text = names.linkTarget(rel, expected.linkTarget());
        String temp = names.temporarySibling(rel);
        boolean ownAttributes = calls().offers(RemoteCalls.LSETSTAT);
        SetStat.Change change = ownAttributes ? attributes.forNewLink(expected) : null;
        calls().symlink(temp, text);
        boolean installed = false;
        try {
            if (ownAttributes) {
                setQuietly(temp, change);
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

    /**
     * A link's own time and owner (lsetstat never follows it): a server that cannot set them is no error (the next
     * pass finds the link's owner not carried and makes it again).
     */
    private void setQuietly(String link, SetStat.Change change) {
        try {
            SetStat.apply(calls(), link, change);
        } catch (IOException e) {
            // left as made
        }
    }

    void closeQuietly(SftpClient.Handle handle, String path) {
        try {
            calls().close(handle, path);
        } catch (IOException e) {
            // the first failure is the one reported
        }
    }

    void removeQuietly(String temp) {
        try {
            calls().remove(temp);
        } catch (IOException e) {
            // a dropped connection: the next pass deletes it as an entry the source does not have
        }
    }

    /** This thread's channel. */
    RemoteCalls calls() {
        return channels.get();
    }
}
