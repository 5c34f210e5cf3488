package dirsync.fs;

import java.io.IOException;

/**
 * The tree a pass writes to: the reading half plus every change a pass can make. Only implementations of this
 * interface change a replica. Each change is all or nothing for the entry it names: a file or link is built
 * aside and renamed into place, so a crash at any moment leaves the old or the new entry, never half of each.
 * No method follows a symbolic link inside the tree.
 * <p>
 * These are what every replica tree does; what some trees can do besides (hard links, backups, a shared sync,
 * renames, extended attributes, a connection per pass) they offer as {@link #features()}, and how a pass should work with
 * them (how many files at once, their times' grain) is the features' {@link ReplicaFeatures.Tuning}. A decorator
 * extends {@link ForwardingReplicaTree}, which forwards every method.
 */
public interface ReplicaTree extends SourceTree {

    /** What this tree can do beyond these methods, and how a pass should work with it: the same value each call. */
    ReplicaFeatures features();

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
     * name. Returns what was installed.
     *
     * @throws SourceChangedException if the source changed before or during the copy; nothing was installed
     */
    Installed installFile(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work)
            throws IOException;

    /**
     * What {@link #installFile} put in place: {@code bytes} copied; {@code source}, the state the source file was in
     * before its copy and still was after it (so the copy holds exactly its content); and {@code replica}, the
     * state of the file that took the name as the tree saw it right after it did (a local tree reads it back; a
     * remote one tells what its listing will show), or null where the tree cannot tell it: a dry run, or a read back
     * that did not find exactly the file installed. The pass makes the pair a verified fact of its hash memory.
     */
    record Installed(long bytes, Entry source, Entry replica) {
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
     * Creates one directory (its parent exists) and returns its identity, as {@link #examine} would give it at once
     * ({@link Entry.Identity#UNKNOWN} where this tree's directories have none: then nothing is asked to say so).
     */
    Entry.Identity createDirectory(RelPath path) throws IOException;

    /**
     * Gives a file or directory the attributes of {@code source} that this tree carries (permissions and
     * modification time always; owner, group and special bits where it can and may), never through a link.
     */
    void setAttributes(RelPath path, Entry source) throws IOException;

    /**
     * Whether {@code current}, an entry of this tree, already has every attribute of {@code source} that
     * {@link #setAttributes} would give it: so that what a tree cannot carry (an owner, for a user who is not root;
     * a time finer than a second, over SFTP) is not tried again every pass. A tree that carries them all answers
     * {@link Entry#sameAttributes}.
     */
    boolean carries(Entry source, Entry current);

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
}
