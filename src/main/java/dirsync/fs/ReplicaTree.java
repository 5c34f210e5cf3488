package dirsync.fs;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The tree a pass writes to: the reading half plus every change a pass can make. Only implementations of this
 * interface change a replica. Each change is all or nothing for the entry it names: a file or link is built
 * aside and renamed into place, so a crash at any moment leaves the old or the new entry, never half of each.
 * No method follows a symbolic link inside the tree.
 */
public interface ReplicaTree extends SourceTree {

    /**
     * How many files a pass should write at once. A local disk: 128 where files written together share one
     * file-system sync (a whole directory of small files in one), else 4 (each waits on its own fsync, and more
     * threads did not help); a remote tree 16, to keep requests in flight over the network.
     */
    default int concurrentWrites() {
        return 4;
    }

    /**
     * How many of its files a pass should read (hash) at once, besides the source's on the pass thread. A local
     * disk: one less than the cores (hashing is CPU work); a remote tree more, since its reads wait on the network.
     */
    default int concurrentReads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * Gets the tree ready for a pass, before anything else of the pass: a remote tree connects (again) here.
     * Throws if it cannot; the pass then ends at once with that error.
     */
    default void beginPass() throws IOException {
    }

    /**
     * Why this tree can take no more requests in this pass (a remote tree whose connection was lost), or empty.
     * The pass then ends early, with this cause as its one error, instead of failing entry after entry. Once
     * present it stays so for the pass, and it is present before any failure that the loss caused is thrown: so a
     * failure met while it is present is the loss again, and is not counted.
     */
    default java.util.Optional<IOException> broken() {
        return java.util.Optional.empty();
    }

    /**
     * The root's entry, the root directory created first if it is missing (its parents too). Throws if the root
     * cannot be made or is not a directory.
     */
    Entry prepareRoot() throws IOException;

    /**
     * Copies the regular file {@code path} of {@code source}, listed there as {@code expected}, to the same path
     * here, replacing whatever non-directory is there, with {@code expected}'s permissions and modification time
     * (and owner and extended attributes, as far as this tree carries them).
     * The copy is verified (the source's size, modification and change time before and after; and its MD5
     * against {@code expectedMd5} if the pass already hashed the source) and made durable before it takes the
     * name. Returns the number of bytes copied.
     *
     * @throws SourceChangedException if the source changed before or during the copy; nothing was installed
     */
    long installFile(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException;

    /**
     * {@link #installFile} begun on this thread and perhaps ended on another: the copy is written and verified
     * here (what goes wrong so far is thrown), and the stage completes with the bytes copied once the file has its
     * name, or fails as installFile would throw. A tree that makes files durable together renames them once their
     * shared sync is done, while this thread goes on to the next file. By default, installFile itself.
     */
    default CompletableFuture<Long> installFileAside(SourceTree source, RelPath path, Entry expected, Work work)
            throws IOException {
        return CompletableFuture.completedFuture(installFile(source, path, expected, null, work));
    }

    /**
     * {@link #installFile} for a source file that never holds still ({@code --copy-unsettled}): copies what it reads
     * of the file, at most the size it has when the copy begins, and installs that whatever the source does
     * meanwhile. The copy is verified against itself instead of against the source: its bytes are hashed as they
     * are written, and the written file, read back, must have that hash. It takes its name as installFile's copies
     * do (a temporary name, made durable, renamed), so the name never shows a partly written file; only its content
     * may match no single moment of the source, which {@link AsRead#sourceChanged} tells.
     *
     * @throws SourceChangedException if the source is no longer a regular file; nothing was installed
     */
    AsRead installFileAsRead(SourceTree source, RelPath path, Entry expected, Work work) throws IOException;

    /**
     * What {@link #installFileAsRead} installed: {@code bytes}, and whether the source changed while they were read
     * (if not, the copy is the source as it was, as good as installFile's).
     */
    record AsRead(long bytes, boolean sourceChanged) {
    }

    /** Creates, or atomically puts in place of a non-directory, a symbolic link like {@code expected}. */
    void installSymlink(RelPath path, Entry expected) throws IOException;

    /**
     * Makes {@code path} a second name of the file at {@code existing} (both in this tree), putting it in place of
     * a non-directory there in one step. Called only where {@link Capabilities#hardLinks()} says so.
     */
    default void installHardLink(RelPath path, RelPath existing) throws IOException {
        throw new UnsupportedOperationException("hard links: " + describe());
    }

    /** Creates one directory (its parent exists). */
    void createDirectory(RelPath path) throws IOException;

    /**
     * Gives a file or directory the attributes of {@code source} that this tree carries (permissions and
     * modification time always; owner, group and special bits where it can and may), never through a link.
     */
    void setAttributes(RelPath path, Entry source) throws IOException;

    /**
     * Whether {@code current}, an entry of this tree, already has every attribute of {@code source} that
     * {@link #setAttributes} would give it: so that what a tree cannot carry (an owner, for a user who is not root)
     * is not tried again every pass.
     */
    default boolean carries(Entry source, Entry current) {
        return source.sameAttributes(current);
    }

    /**
     * Whether a replica entry's modification time {@code replica} is the source's {@code source} as this tree keeps
     * times: equal here; to the whole second on a tree that keeps no finer times (SFTP v3). For comparisons by
     * time alone ({@code --compare quick}), which would otherwise see every carried time as changed.
     */
    default boolean sameModificationTime(java.nio.file.attribute.FileTime source,
                                         java.nio.file.attribute.FileTime replica) {
        return source.equals(replica);
    }

    /**
     * Gives a file or directory exactly the extended attributes ({@code user.*}) that {@code path} has in
     * {@code source}, if this tree carries them; returns whether anything changed.
     *
     * @throws ExtendedAttributesUnsupportedException if either file system cannot keep them
     */
    default boolean carryExtendedAttributes(SourceTree source, RelPath path) throws IOException {
        return false;
    }

    /** Lets the owner create and delete entries in {@code dir} ({@code current}: its entry as listed). */
    void ensureWritable(RelPath dir, Entry current) throws IOException;

    /** Deletes a file, symlink or special file: never what a link points to, never a directory. */
    void delete(RelPath path) throws IOException;

    /**
     * Deletes a directory and all it holds, bottom-up, never following a link: a directory swapped for a link
     * mid-delete is unlinked, never entered. Failures are collected and the rest still goes.
     */
    TreeDeletion deleteTree(RelPath path, Cancellation cancellation);

    /** How many entries a tree holds, itself included, without following links; an unreadable part counts 1. */
    long countTree(RelPath path, Cancellation cancellation);

    /** Moves an entry (a directory with all it holds) to the same path under {@code backup}. */
    void moveToBackup(RelPath path, Backup backup, Cancellation cancellation) throws IOException;

    /**
     * Keeps the current version of a file or link at its path under {@code backup} before it is replaced:
     * where possible a second name of it (no copy), else a copy.
     */
    void keepInBackup(RelPath path, Backup backup) throws IOException;

    /** Text put in front of every log line of a pass over this replica ("(dry run) " for one that changes nothing). */
    default String reportPrefix() {
        return "";
    }
}
