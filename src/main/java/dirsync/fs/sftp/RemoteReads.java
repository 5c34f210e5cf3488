package dirsync.fs.sftp;

import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.LinkTarget;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * The reading side of an {@link SftpTree}: READDIR listings, one entry's LSTAT, a file opened for reading (never
 * through a link), and its MD5 (on the server for large files where md5sum works, else read over SFTP).
 */
final class RemoteReads {

    /**
     * A file this large or larger is hashed on the server: a command costs about as much as reading a few
     * megabytes over the connection (a channel, a process; measured on loopback: ~90 ms), a read costs its bytes.
     */
    static final long HASH_ON_SERVER_FROM = 16L << 20;

    private final Channels channels;
    private final SftpNames names;
    /** The "device" of the tree's file identities (see {@link SftpEntries}). */
    private final long treeId;
    /** md5sum on the server, if it has one that works; else files are read over SFTP to hash them. */
    private final Optional<RemoteMd5> serverMd5;

    RemoteReads(Channels channels, SftpNames names, long treeId, Optional<RemoteMd5> serverMd5) {
        this.channels = channels;
        this.names = names;
        this.treeId = treeId;
        this.serverMd5 = serverMd5;
    }

    boolean hashesOnServer() {
        return serverMd5.isPresent();
    }

    Listing list(RelPath dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Listing.Problem> problems = new ArrayList<>();
        for (SftpClient.DirEntry child : calls().readDir(names.path(dir))) {
            Name name = SftpNames.name(child.getFilename());
            RelPath path = dir.resolve(name);
            try {
                entries.add(SftpEntries.entry(treeId, path, name, child.getAttributes(), () -> target(path)));
            } catch (NoSuchFileException vanished) {
                // A link gone between READDIR and READLINK: not part of this listing.
            } catch (IOException e) {
                entries.add(Entry.unreadable(name));
                problems.add(new Listing.Problem(name, e));
            }
        }
        entries.sort((a, b) -> a.name().compareTo(b.name()));
        return new Listing(entries, problems);
    }

    private LinkTarget target(RelPath link) throws IOException {
        return SftpNames.target(calls().readLink(names.path(link)));
    }

    Entry examine(RelPath path) throws IOException {
        SftpClient.Attributes attributes = calls().lstat(names.path(path));
        return SftpEntries.entry(treeId, path, path.isRoot() ? Name.ROOT : path.name(), attributes,
                () -> target(path));
    }

    /**
     * Opens a remote file for reading. SFTP's OPEN follows links, so the entry is examined first and a link is
     * refused; a swap in the round trip between the two is not detectable over SFTP.
     */
    SeekableByteChannel open(RelPath file) throws IOException {
        String path = names.path(file);
        SftpClient.Attributes attributes = calls().lstat(path);
        if (!attributes.isRegularFile()) {
            throw new IOException("not a regular file: " + file);
        }
        return new RemoteReadChannel(calls().read(path), attributes.getSize(), calls(), path);
    }

    /**
     * Large files hashed on the server with md5sum where it has one (they do not cross the network), the rest
     * read: {@code digest} reads through {@code tree}, whose {@code open} is {@link #open}.
     */
    byte[] md5(SftpTree tree, RelPath file, Md5 digest, Cancellation cancellation) throws IOException {
        if (serverMd5.isPresent()) {
            String path = names.path(file);
            SftpClient.Attributes attributes = calls().lstat(path);
            if (!attributes.isRegularFile()) {
                throw new IOException("not a regular file: " + file);
            }
            byte[] hash = attributes.getSize() >= HASH_ON_SERVER_FROM ? serverMd5.get().md5(path) : null;
            if (hash != null) {
                return hash;
            }
        }
        return digest.read(tree, file, cancellation);
    }

    /** This thread's channel. */
    private RemoteCalls calls() {
        return channels.get();
    }
}
