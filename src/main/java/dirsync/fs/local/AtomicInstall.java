package dirsync.fs.local;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.HelperFailures;
import dirsync.fs.Md5;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceChangedException;
import dirsync.fs.SourceTree;
import dirsync.fs.TemporaryName;
import dirsync.fs.Work;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Puts files and links into a local tree so that a name always shows its old or its complete new content: each
 * is built under a temporary name in its target directory, verified, made durable ({@link Durability}: alone,
 * or with others in one file-system sync), and only then renamed into place.
 */
final class AtomicInstall {

    private static final Set<OpenOption> NEW_TEMP_FILE = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    // Only the owner may read a file while it is half written; its real permissions are set before the rename.
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final LocalPaths paths;
    private final EntryReader reader;
    private final AttributeWriter attributes;
    private final boolean extendedAttributes;
    private final Durability durability;

    /**
     * Installs into the tree of {@code paths}, giving each copy the attributes {@code attributes} writes and, if
     * {@code extendedAttributes}, its source's {@code user.*} attributes, made durable by {@code durability};
     * {@code reader} reads each installed file back, for the hash memory.
     */
    AtomicInstall(LocalPaths paths, EntryReader reader, AttributeWriter attributes, boolean extendedAttributes,
                  Durability durability) {
        this.paths = paths;
        this.reader = reader;
        this.attributes = attributes;
        this.extendedAttributes = extendedAttributes;
        this.durability = durability;
    }

    /** How many files are best written at once, for the way they are made durable. */
    int filesAtOnce() {
        return durability.filesAtOnce();
    }

    ReplicaTree.Installed file(SourceTree source, RelPath rel, Entry expected, byte[] expectedMd5, Work work)
            throws IOException {
        return awaitInstalled(fileAside(source, rel, expected, expectedMd5, work));
    }

    /**
     * Writes and verifies the copy on this thread, then hands it to the durability: the stage completes once the
     * file has its name (perhaps on another thread, after a sync shared with other files), or fails; either way no
     * temporary file is left. Throws what goes wrong before the hand-over.
     */
    CompletableFuture<ReplicaTree.Installed> fileAside(SourceTree source, RelPath rel, Entry expected,
                                                       byte[] expectedMd5, Work work) throws IOException {
        Entry before = SourceChangedException.requireAsListed(source, rel, expected);
        return aside(source, rel, before, expected, (in, out, temp, durable) -> {
            long copied = ByteCopy.transfer(in, out, before.size(), work);
            in.close(); // read: the source need not stay open while the copy waits for the disk
            durable.written(temp, out);
            check(source, rel, before, copied, temp, expectedMd5, work);
            return copied;
        });
    }

    /**
     * A copy of what is read, at most the size the source has as it begins, installed whatever the source does
     * meanwhile: its bytes are hashed as they are written, and the file written must read back with that hash.
     */
    ReplicaTree.AsRead fileAsRead(SourceTree source, RelPath rel, Entry expected, Work work) throws IOException {
        Entry before = SourceChangedException.requireRegularFile(source, rel);
        boolean[] changed = new boolean[1];
        long bytes = awaitInstalled(aside(source, rel, before, expected, (in, out, temp, durable) -> {
            MessageDigest written = Md5.newDigest();
            long copied = ByteCopy.hashing(in, out, before.size(), written, work);
            in.close();
            durable.written(temp, out);
            if (!Arrays.equals(md5(temp, work), written.digest())) {
                throw new IOException("the copy does not read back as it was written");
            }
            changed[0] = !SourceChangedException.unchangedSince(source, rel, before, copied);
            return copied;
        })).bytes();
        return new ReplicaTree.AsRead(bytes, changed[0]);
    }

    /** How a copy's content gets into its temporary file, made durable, and checked there: returns its size. */
    @FunctionalInterface
    private interface Content {
        long write(SeekableByteChannel in, FileChannel out, Path temp, Durability.Copy durable) throws IOException;
    }

    /**
     * The copy written by {@code content} under a temporary name, given the extended attributes and attributes of
     * the file it copies, and handed to the durability, which renames it once it is durable and reads it back. A
     * lack of space, found here or on the way to the name, is an {@link dirsync.fs.OutOfSpaceException}.
     * {@code before}: the source's state as the copy began.
     */
    private CompletableFuture<ReplicaTree.Installed> aside(SourceTree source, RelPath rel, Entry before,
                                                           Entry expected, Content content) throws IOException {
        Path target = paths.of(rel);
        Path temp = temporarySibling(target);
        CompletableFuture<ReplicaTree.Installed> installed = null;
        try {
            Durability.Copy durable = durability.begin();
            try {
                long copied;
                try (SeekableByteChannel in = source.open(rel);
                     FileChannel out = attributes.posixModes() ? FileChannel.open(temp, NEW_TEMP_FILE, OWNER_ONLY)
                             : FileChannel.open(temp, NEW_TEMP_FILE)) {
                    copied = content.write(in, out, temp, durable);
                    if (extendedAttributes) { // they take the name with the copy
                        ExtendedAttributes.ofCopy(source, rel, temp, paths.root().toString());
                    }
                    attributes.set(temp, expected);
                }
                AtomicReference<Entry> asInstalled = new AtomicReference<>();
                installed = durable.whenDurable(() -> {
                    Entry written = stateOf(temp, rel);
                    replace(temp, target); // its content is on disk before it takes the name
                    asInstalled.set(readBack(target, rel, written, copied, expected));
                    return copied;
                }).handle((bytes, failure) -> {
                    if (failure == null) {
                        return new ReplicaTree.Installed(bytes, before, asInstalled.get());
                    }
                    deleteQuietly(temp);
                    throw SpaceErrors.platform().typedStage(failure); // a full disk found by the sync or rename
                });
            } finally {
                if (installed == null) {
                    durable.abandon();
                }
            }
            return installed;
        } catch (IOException e) {
            throw SpaceErrors.platform().typed(e); // a full disk found by the write, or the temporary file's creation
        } finally {
            if (installed == null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * The state of the temporary file about to take the name (what its read back must find under the name), or null
     * where the tree tells no identities or it cannot be read.
     */
    private Entry stateOf(Path temp, RelPath rel) {
        try {
            Entry written = reader.examine(temp, rel.name());
            return written.identity().known() ? written : null;
        } catch (IOException unknown) {
            return null;
        }
    }

    /**
     * The file under the name just installed, read back right after the rename (which moved its change time): its
     * state, if it is the very file written ({@code written}, the same device and inode) with the size copied and
     * the modification time it was given; else null, and the hash memory learns nothing of it. (A read back that
     * fails does not fail the install, which is done.)
     */
    private Entry readBack(Path target, RelPath rel, Entry written, long copied, Entry expected) {
        if (written == null) {
            return null;
        }
        try {
            Entry now = reader.examine(target, rel.name());
            boolean asWritten = now.is(EntryKind.FILE) && now.identity().sameFile(written.identity())
                    && now.size() == copied && now.modified().equals(expected.modified());
            return asWritten ? now : null;
        } catch (IOException unknown) {
            return null;
        }
    }

    /** What an installation ended with, as if it had run on this thread. */
    private static ReplicaTree.Installed awaitInstalled(CompletableFuture<ReplicaTree.Installed> installation)
            throws IOException {
        try {
            return installation.join();
        } catch (CompletionException e) {
            throw HelperFailures.rethrown(e.getCause());
        }
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // a leftover temporary file is an extra entry the next pass removes
        }
    }

    /** That the copy is the source's content: the source unchanged all along, and its MD5 if the pass knows it. */
    private static void check(SourceTree source, RelPath rel, Entry before, long copied, Path temp,
                              byte[] expectedMd5, Work work) throws IOException {
        SourceChangedException.requireUnchangedSince(source, rel, before, copied);
        if (expectedMd5 != null && !Arrays.equals(md5(temp, work), expectedMd5)) {
            throw new SourceChangedException("copy does not match the source's MD5");
        }
    }

    private static byte[] md5(Path file, Work work) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LocalTree.NOFOLLOW)) {
            return work.md5().of(channel, work.cancellation());
        }
    }

    void symlink(RelPath rel, Entry expected) throws IOException {
        Path target = paths.of(rel);
        Path temp = temporarySibling(target);
        Files.createSymbolicLink(temp, paths.target(expected.linkTarget()));
        boolean installed = false;
        try {
            attributes.giveOwner(temp, expected); // a link's owner is carried like a file's (lchown)
            setTimesQuietly(temp, expected);
            replace(temp, target);
            installed = true;
        } finally {
            if (!installed) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /** A second name for an existing file: made under a temporary name, then renamed over the target. */
    void hardLink(RelPath rel, RelPath existing) throws IOException {
        Path target = paths.of(rel);
        Path temp = temporarySibling(target);
        Files.createLink(temp, paths.of(existing));
        try {
            replace(temp, target);
        } finally {
            // Also after a rename that did nothing: rename(2) between two names of one file leaves both.
            Files.deleteIfExists(temp);
        }
    }

    private static void setTimesQuietly(Path link, Entry expected) {
        try {
            Files.getFileAttributeView(link, BasicFileAttributeView.class, LocalTree.NOFOLLOW)
                    .setTimes(expected.modified(), null, null);
        } catch (IOException | UnsupportedOperationException e) {
            // A link's own time is cosmetic; not every platform can set it.
        }
    }

    /**
     * Renames {@code temp} over {@code target} in one step. With ATOMIC_MOVE alone, whether an existing target is
     * replaced is up to the provider (the platform's rename replaces it; jimfs refuses): REPLACE_EXISTING says so.
     */
    private static void replace(Path temp, Path target) throws IOException {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static Path temporarySibling(Path target) {
        // resolveSibling keeps the directory as a Path (bytes) and adds an ASCII-only name.
        return target.resolveSibling(TemporaryName.fresh());
    }
}
