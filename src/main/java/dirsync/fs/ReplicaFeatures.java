package dirsync.fs;

import java.io.IOException;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a replica tree can do beyond the required {@link ReplicaTree}: each ability present where the tree has it and
 * simply absent where it has not, and the pass asks for it and does the plain thing without it. A tree offers only
 * what it has; nothing here throws "unsupported". A decorator that changes an ability (a dry run) wraps it.
 *
 * @param hardLinks          a second name for a file can be made; without it, each name is a copy of its own
 * @param backups            what a pass deletes or overwrites can be kept under a backup directory; without it, the
 *                           run refuses {@code --backup-dir} before its first pass
 * @param groupCommit        files written together are made durable by one shared sync, and take their names after
 *                           it; without it, each copy is installed on its own ({@link ReplicaTree#installFile})
 * @param extendedAttributes the {@code user.*} extended attributes are carried; without it, none are
 * @param connection         the tree is reached over a connection made for each pass; without it, always reachable
 * @param renames            an entry can be given another name in the tree in one step; without it, a file or
 *                           directory the source moved is copied to its new name and deleted at its old one
 * @param treeMemory         the tree learns something of itself that a later run may start from (an object store:
 *                           what its objects' metadata was), which the app keeps between runs beside the hash
 *                           memory; without it, a run starts from what it reads
 * @param hashesAhead        the hashes of its files can be asked for without waiting, and are answered many
 *                           together (a remote tree that hashes on its server); without it, each is waited for
 * @param tuning             how a pass should work with this tree
 */
public record ReplicaFeatures(Optional<HardLinking> hardLinks, Optional<BackupKeeping> backups,
                              Optional<GroupCommit> groupCommit,
                              Optional<ExtendedAttributeCarrying> extendedAttributes,
                              Optional<PassConnection> connection, Optional<Renaming> renames,
                              Optional<TreeMemory> treeMemory, Optional<HashingAhead> hashesAhead, Tuning tuning) {

    /** No ability beyond the required ones, with {@code tuning}. */
    public static ReplicaFeatures plain(Tuning tuning) {
        return new ReplicaFeatures(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), tuning);
    }

    public ReplicaFeatures withHardLinks(HardLinking feature) {
        return new ReplicaFeatures(Optional.of(feature), backups, groupCommit, extendedAttributes, connection,
                renames, treeMemory, hashesAhead, tuning);
    }

    public ReplicaFeatures withBackups(BackupKeeping feature) {
        return new ReplicaFeatures(hardLinks, Optional.of(feature), groupCommit, extendedAttributes, connection,
                renames, treeMemory, hashesAhead, tuning);
    }

    public ReplicaFeatures withGroupCommit(GroupCommit feature) {
        return new ReplicaFeatures(hardLinks, backups, Optional.of(feature), extendedAttributes, connection,
                renames, treeMemory, hashesAhead, tuning);
    }

    public ReplicaFeatures withExtendedAttributes(ExtendedAttributeCarrying feature) {
        return new ReplicaFeatures(hardLinks, backups, groupCommit, Optional.of(feature), connection,
                renames, treeMemory, hashesAhead, tuning);
    }

    public ReplicaFeatures withConnection(PassConnection feature) {
        return new ReplicaFeatures(hardLinks, backups, groupCommit, extendedAttributes, Optional.of(feature),
                renames, treeMemory, hashesAhead, tuning);
    }

    public ReplicaFeatures withTuning(Tuning value) {
        return new ReplicaFeatures(hardLinks, backups, groupCommit, extendedAttributes, connection,
                renames, treeMemory, hashesAhead, value);
    }

    public ReplicaFeatures withRenames(Renaming feature) {
        return new ReplicaFeatures(hardLinks, backups, groupCommit, extendedAttributes, connection,
                Optional.of(feature), treeMemory, hashesAhead, tuning);
    }

    public ReplicaFeatures withTreeMemory(TreeMemory feature) {
        return new ReplicaFeatures(hardLinks, backups, groupCommit, extendedAttributes, connection,
                renames, Optional.of(feature), hashesAhead, tuning);
    }

    public ReplicaFeatures withHashesAhead(HashingAhead feature) {
        return new ReplicaFeatures(hardLinks, backups, groupCommit, extendedAttributes, connection, renames,
                treeMemory, Optional.of(feature), tuning);
    }

    /** Why the tree can take no more requests in this pass (see {@link PassConnection#broken}), or empty. */
    public Optional<IOException> broken() {
        return connection.flatMap(PassConnection::broken);
    }

    /** Second names of files. */
    @FunctionalInterface
    public interface HardLinking {
        /**
         * Makes {@code path} a second name of the file at {@code existing} (both in this tree), putting it in place
         * of a non-directory there in one step.
         */
        void installHardLink(RelPath path, RelPath existing) throws IOException;

        /**
         * Whether {@code later}, the entry listed at {@code laterPath}, is the very file that {@code first} (whose
         * identity was {@code firstFile}) names: then it needs no link. By device and inode where the tree has them;
         * a tree without (SFTP) overrides it with a check of its own, which must never answer true for two files.
         */
        default boolean sameFile(RelPath first, Entry.Identity firstFile, RelPath laterPath, Entry later)
                throws IOException {
            return later.identity().sameFile(firstFile);
        }
    }

    /** Other names for entries of the tree. */
    @FunctionalInterface
    public interface Renaming {
        /**
         * Gives the file or directory at {@code from} the name {@code to} (both in this tree; the parent of {@code to}
         * exists), in one step: a crash leaves it under one of the two names, whole. Never replaces an entry at
         * {@code to}: throws {@link java.nio.file.FileAlreadyExistsException} (or another failure) and changes
         * nothing if one is there. Never follows a link.
         */
        void rename(RelPath from, RelPath to) throws IOException;

        /**
         * The entry {@code moved}, listed at the name a rename of this pass gave it (or a directory above it), as
         * this tree showed it at {@code from} before: the same entry where an identity does not depend on the path
         * (an inode); where it does (SFTP), with the identity of {@code from}. The hash memory knows it by that.
         */
        default Entry before(Entry moved, RelPath from) {
            return moved;
        }
    }

    /** Hashes asked for ahead: a tree whose hashes wait on round trips answers many together. */
    @FunctionalInterface
    public interface HashingAhead {
        /**
         * Asks for the MD5 of the regular file {@code file}, listed in this pass at {@code size} bytes (what the tree
         * weighs the work asked at once by), without waiting for it: the future completes with it, or with null where
         * the tree gives none this way (then the caller hashes the file with {@link SourceTree#md5}). Whether the file
         * was still as listed once hashed is asked of {@link SourceTree#unchanged}, as after md5.
         */
        CompletableFuture<byte[]> md5Ahead(RelPath file, long size);
    }

    /** What a tree learns of itself that a later run may start from, as bytes the app keeps (never the core). */
    public interface TreeMemory {
        /** What the next run may start from. */
        byte[] exportMemory();

        /**
         * Starts from what an earlier run exported; false, and nothing taken, if {@code saved} is not well formed.
         * (Whether the file it came from can be trusted is the caller's check.)
         */
        boolean importMemory(byte[] saved);
    }

    /** Backups of what a pass deletes or overwrites, kept where the tree can put them. */
    public interface BackupKeeping {
        /** Moves an entry (a directory with all it holds) to the same path under {@code backup}. */
        void moveToBackup(RelPath path, Backup backup, Cancellation cancellation) throws IOException;

        /**
         * Keeps the current version of a file or link at its path under {@code backup} before it is replaced:
         * where possible a second name of it (no copy), else a copy.
         */
        void keepInBackup(RelPath path, Backup backup) throws IOException;
    }

    /** Files made durable together. */
    @FunctionalInterface
    public interface GroupCommit {
        /**
         * {@link ReplicaTree#installFile} begun on this thread and perhaps ended on another: the copy is written and
         * verified here (what goes wrong so far is thrown), and the stage completes with what was installed once
         * the file has its name (after the sync that made it durable), or fails as installFile would throw. The tree
         * renames files once their shared sync is done, while this thread goes on to the next file.
         */
        CompletableFuture<ReplicaTree.Installed> installFileAside(SourceTree source, RelPath path, Entry expected,
                                                                  Work work) throws IOException;
    }

    /** The {@code user.*} extended attributes. */
    @FunctionalInterface
    public interface ExtendedAttributeCarrying {
        /**
         * Gives a file or directory exactly the extended attributes that {@code path} has in {@code source}; returns
         * whether anything changed.
         *
         * @throws ExtendedAttributesUnsupportedException if either file system cannot keep them
         */
        boolean carryExtendedAttributes(SourceTree source, RelPath path) throws IOException;
    }

    /** A connection made for each pass, and made again after one was lost. */
    public interface PassConnection {
        /**
         * Gets the tree ready for a pass, before anything else of the pass: connects (again). Throws if it cannot;
         * the pass then ends at once with that error.
         */
        void beginPass() throws IOException;

        /**
         * Why this tree can take no more requests in this pass (its connection was lost), or empty. The pass then
         * ends early, with this cause as its one error, instead of failing entry after entry. Once present it stays
         * so for the pass, and it is present before any failure that the loss caused is thrown: so a failure met
         * while it is present is the loss again, and is not counted.
         */
        Optional<IOException> broken();
    }

    /**
     * How a pass should work with a tree.
     *
     * @param concurrentWrites how many files a pass writes at once. A local disk: 16 where files written together
     *                         share one file-system sync (the local tree's GroupSync), else 4 (each waits on its own
     *                         fsync, and more threads did not help); a remote tree 16, to keep requests in flight
     *                         over the network
     * @param concurrentReads  how many of its files a pass reads (hashes) at once, besides the source's on the pass
     *                         thread. A local disk: one less than the cores (hashing is CPU work); a remote tree more,
     *                         since its reads wait on the network
     * @param concurrentDirectoryChanges how many directories a pass creates at once (a directory's new subdirectories),
     *                         and how many it gives their attributes at once (those whose copies have ended). A
     *                         local disk: 1, on the pass thread (a change costs microseconds); a remote tree more,
     *                         since each waits on round trips
     * @param timeGrain        how finely the tree keeps modification times
     * @param reportPrefix     put in front of every log line of a pass ("(dry run) " for a tree that changes nothing)
     * @param comparisonsTrail whether a directory's comparisons by content may trail behind the walk, decided when the
     *                         directory is settled, with its copies. A remote tree: each hash waits on round trips, and
     *                         the walk should not wait for them directory by directory. A local disk: no, the pass
     *                         thread hashes beside the helpers
     */
    public record Tuning(int concurrentWrites, int concurrentReads, int concurrentDirectoryChanges, TimeGrain timeGrain,
                         String reportPrefix, boolean comparisonsTrail) {

        /** The same, with comparisons that never trail. */
        public Tuning(int concurrentWrites, int concurrentReads, int concurrentDirectoryChanges, TimeGrain timeGrain,
                      String reportPrefix) {
            this(concurrentWrites, concurrentReads, concurrentDirectoryChanges, timeGrain, reportPrefix, false);
        }

        /** A local disk's: {@code concurrentWrites} writers, a reader per core but one, exact times, no prefix. */
        public static Tuning local(int concurrentWrites) {
            return new Tuning(concurrentWrites, Math.max(1, Runtime.getRuntime().availableProcessors() - 1), 1,
                    TimeGrain.EXACT, "");
        }

        public Tuning withReportPrefix(String prefix) {
            return new Tuning(concurrentWrites, concurrentReads, concurrentDirectoryChanges, timeGrain, prefix,
                    comparisonsTrail);
        }

        public Tuning withTimeGrain(TimeGrain grain) {
            return new Tuning(concurrentWrites, concurrentReads, concurrentDirectoryChanges, grain, reportPrefix,
                    comparisonsTrail);
        }

        /** The same, its comparisons trailing behind the walk (see {@link #comparisonsTrail}). */
        public Tuning withComparisonsTrailing() {
            return new Tuning(concurrentWrites, concurrentReads, concurrentDirectoryChanges, timeGrain, reportPrefix,
                    true);
        }
    }

    /** How finely a tree keeps modification times. */
    @FunctionalInterface
    public interface TimeGrain {
        /** Times kept as given. */
        TimeGrain EXACT = FileTime::equals;

        /**
         * Whether a replica entry's modification time {@code replica} is the source's {@code source} as this tree
         * keeps times: equal; or equal to the whole second on a tree that keeps no finer times (SFTP v3). For
         * comparisons by time alone ({@code --compare quick}), which would otherwise see every carried time as
         * changed.
         */
        boolean same(FileTime source, FileTime replica);
    }
}
