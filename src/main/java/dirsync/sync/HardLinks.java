package dirsync.sync;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the replica's hard links shaped like the source's, within one pass: for each source file with several
 * names, the replica name its first name got; for each replica file with several names, the source file it stands
 * for. A later name of the same source file is linked to the first; a replica file that stands for two source files
 * gives one of them a copy of its own. Only entries with more than one link are remembered, so memory stays flat
 * for ordinary trees. Active where the user asked for it and the replica makes hard links; else every name is a
 * copy of its own. Used by the pass thread alone.
 */
final class HardLinks {

    private final boolean active;
    private final Optional<ReplicaFeatures.HardLinking> linking;
    private final Map<FileKey, FirstName> sourceFiles = new HashMap<>();
    private final Map<FileKey, FileKey> replicaFiles = new HashMap<>();

    /** A file, by device and inode. */
    private record FileKey(long device, long inode) {
        static FileKey of(Entry entry) {
            return new FileKey(entry.identity().device(), entry.identity().inode());
        }
    }

    /** The replica name the first name of a source file got, and that replica file (null if not known). */
    record FirstName(RelPath path, Entry.Identity replica) {
    }

    /** @param linking how the replica makes second names, if the user asked for them and it can */
    HardLinks(Optional<ReplicaFeatures.HardLinking> linking) {
        this.active = linking.isPresent();
        this.linking = linking;
    }

    /**
     * Makes {@code path} a second name of the replica file at {@code existing}: the first name of a file that
     * {@link #earlier} found, which it finds only while active.
     */
    void link(RelPath path, RelPath existing) throws IOException {
        linking.orElseThrow(() -> new IllegalStateException("no earlier name is known without hard links"))
                .installHardLink(path, existing);
    }

    /**
     * Whether {@code current}, the replica entry at {@code path}, a later name of the source file whose first name
     * is {@code first}, is that very replica file already (the replica tells: see
     * {@link ReplicaFeatures.HardLinking#sameFile}).
     */
    boolean isAlso(FirstName first, RelPath path, Entry current) throws IOException {
        return first.replica() != null && current != null && linking.isPresent()
                && linking.get().sameFile(first.path(), first.replica(), path, current);
    }

    /** Whether this source file has other names the pass must keep together. */
    boolean tracks(Entry source) {
        return active && source.is(EntryKind.FILE) && source.identity().known() && source.identity().links() > 1;
    }

    /** The first name this pass met of the same source file, or null. */
    FirstName earlier(Entry source) {
        return tracks(source) ? sourceFiles.get(FileKey.of(source)) : null;
    }

    /** Whether this replica file was met in this pass under the name of another source file. */
    boolean sharedWithAnother(Entry source, Entry replica) {
        if (!active || !replica.identity().known() || replica.identity().links() <= 1) {
            return false;
        }
        FileKey standsFor = replicaFiles.get(FileKey.of(replica));
        return standsFor != null && !standsFor.equals(FileKey.of(source));
    }

    /** Remembers a name whose replica side is settled: {@code replicaNow} is its replica entry now (or null). */
    void settled(Entry source, RelPath path, Entry replicaNow) {
        if (!active || !source.identity().known()) {
            return;
        }
        if (source.identity().links() > 1) {
            sourceFiles.putIfAbsent(FileKey.of(source), new FirstName(path,
                    replicaNow == null ? null : replicaNow.identity()));
        }
        if (replicaNow != null && replicaNow.identity().known() && replicaNow.identity().links() > 1) {
            replicaFiles.putIfAbsent(FileKey.of(replicaNow), FileKey.of(source));
        }
    }
}
