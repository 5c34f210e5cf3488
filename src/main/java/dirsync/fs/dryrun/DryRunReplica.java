package dirsync.fs.dryrun;

import dirsync.fs.Backup;
import dirsync.fs.Cancellation;
import dirsync.fs.Entry;
import dirsync.fs.ExtendedAttributeValues;
import dirsync.fs.ForwardingReplicaTree;
import dirsync.fs.Listing;
import dirsync.fs.Md5;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceTree;
import dirsync.fs.TreeDeletion;
import dirsync.fs.Work;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A replica that is only read: every change is answered as if it had been made, and nothing is touched. It
 * remembers the directories it "created" (they list as empty) and the entries it "removed" (they are gone), so
 * that a pass over it decides and logs exactly what a real pass would. Everything it reads, it reads through the
 * real tree as a real pass would (a remote tree's hashing on its server included). It offers the real tree's
 * features, each answered as made, except the shared sync of files copied together: a copy that writes nothing
 * has nothing to make durable.
 */
public final class DryRunReplica extends ForwardingReplicaTree {

    private final ReplicaTree real;
    private final ReplicaFeatures features;
    private final Set<RelPath> created = ConcurrentHashMap.newKeySet();
    private final Set<RelPath> removed = ConcurrentHashMap.newKeySet();
    /** The entries it "renamed": each new name with the old one, under which the real tree still has it. */
    private final Map<RelPath, RelPath> renamed = new ConcurrentHashMap<>();

    private DryRunReplica(ReplicaTree real) {
        this.real = real;
        this.features = answeredAsMade(real.features());
    }

    /** A dry run over {@code real}, whose reading half alone is used. */
    public static DryRunReplica over(ReplicaTree real) {
        return new DryRunReplica(real);
    }

    @Override
    protected ReplicaTree delegate() {
        return real;
    }

    /** The real tree's features, those that change the tree answered as made; the log lines marked. */
    private ReplicaFeatures answeredAsMade(ReplicaFeatures of) {
        ReplicaFeatures dry = ReplicaFeatures.plain(of.tuning().withReportPrefix("(dry run) "));
        if (of.hardLinks().isPresent()) {
            dry = dry.withHardLinks((path, existing) -> removed.remove(path));
        }
        if (of.backups().isPresent()) {
            dry = dry.withBackups(new ReplicaFeatures.BackupKeeping() {
                @Override
                public void moveToBackup(RelPath path, Backup backup, Cancellation cancellation) {
                    removed.add(path);
                }

                @Override
                public void keepInBackup(RelPath path, Backup backup) {
                    // nothing is touched
                }
            });
        }
        if (of.extendedAttributes().isPresent()) {
            dry = dry.withExtendedAttributes(this::extendedAttributesWouldChange);
        }
        if (of.renames().isPresent()) {
            dry = dry.withRenames((from, to) -> {
                renamed.put(to, actual(from));
                removed.remove(to);
                removed.add(from);
            });
        }
        if (of.hashesAhead().isPresent()) {
            dry = dry.withHashesAhead(of.hashesAhead().get()); // a read: the real tree's answer
        }
        if (of.treeMemory().isPresent()) {
            dry = dry.withTreeMemory(of.treeMemory().get()); // what the real tree read, learned as it read it
        }
        return of.connection().map(dry::withConnection).orElse(dry);
    }

    /** Where the real tree has what this dry run shows at {@code path}: its old name if it or a parent was renamed. */
    private RelPath actual(RelPath path) {
        if (renamed.isEmpty()) {
            return path;
        }
        List<Name> below = new ArrayList<>();
        for (RelPath at = path; !at.isRoot(); at = at.parent()) {
            RelPath old = renamed.get(at);
            if (old != null) {
                RelPath real = old;
                for (int i = below.size() - 1; i >= 0; i--) {
                    real = real.resolve(below.get(i));
                }
                return real;
            }
            below.add(at.name());
        }
        return path;
    }

    @Override
    public ReplicaFeatures features() {
        return features;
    }

    @Override
    public Listing list(RelPath dir) throws IOException {
        return created.contains(dir) ? Listing.EMPTY : real.list(actual(dir));
    }

    @Override
    public boolean unchanged(RelPath path, Entry listed) throws IOException {
        return real.unchanged(actual(path), listed);
    }

    @Override
    public SeekableByteChannel open(RelPath file) throws IOException {
        return real.open(actual(file));
    }

    @Override
    public byte[] md5(RelPath file, Md5 digest, Cancellation cancellation) throws IOException {
        return real.md5(actual(file), digest, cancellation);
    }

    @Override
    public Entry examine(RelPath path) throws IOException {
        if (removed.contains(path)) {
            throw new NoSuchFileException(path.toString());
        }
        if (created.contains(path)) {
            return Entry.directory(path.isRoot() ? Name.ROOT : path.name(), FileTime.fromMillis(0), Set.of());
        }
        RelPath at = actual(path);
        return at == path ? real.examine(path) : real.examine(at).named(path.name());
    }

    @Override
    public Entry prepareRoot() throws IOException {
        try {
            return real.examine(RelPath.ROOT);
        } catch (NoSuchFileException missing) {
            created.add(RelPath.ROOT);
            return examine(RelPath.ROOT);
        }
    }

    @Override
    public Installed installFile(SourceTree source, RelPath path, Entry expected, byte[] expectedMd5, Work work) {
        removed.remove(path);
        return new Installed(expected.size(), expected, null); // nothing installed: no state to learn
    }

    @Override
    public AsRead installFileAsRead(SourceTree source, RelPath path, Entry expected, Work work) {
        removed.remove(path);
        return new AsRead(expected.size(), false);
    }

    @Override
    public void installSymlink(RelPath path, Entry expected) {
        removed.remove(path);
    }

    @Override
    public Entry.Identity createDirectory(RelPath path) {
        removed.remove(path);
        created.add(path);
        return Entry.Identity.UNKNOWN; // nothing was made
    }

    @Override
    public void setAttributes(RelPath path, Entry source) {
        // nothing is touched
    }

    /** What would change, without changing it: the attributes compared as the real replica would. */
    private boolean extendedAttributesWouldChange(SourceTree source, RelPath path) throws IOException {
        SortedMap<String, byte[]> current;
        try {
            current = madeInThisRun(path) ? Collections.emptySortedMap() : real.extendedAttributes(actual(path));
        } catch (NoSuchFileException notMadeInADryRun) {
            current = Collections.emptySortedMap();
        }
        return !ExtendedAttributeValues.same(source.extendedAttributes(path), current);
    }

    /** Whether the path or a directory above it was "created" by this dry run (so nothing of it is real). */
    private boolean madeInThisRun(RelPath path) {
        for (RelPath at = path; at != null; at = at.parent()) {
            if (created.contains(at)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void ensureWritable(RelPath dir, Entry current) {
        // nothing is touched
    }

    @Override
    public void delete(RelPath path) {
        removed.add(path);
    }

    @Override
    public TreeDeletion deleteTree(RelPath path, Cancellation cancellation) {
        long entries = countTree(path, cancellation);
        removed.add(path);
        return new TreeDeletion(entries - 1, 1, List.of());
    }

    @Override
    public long countTree(RelPath path, Cancellation cancellation) {
        return created.contains(path) ? 1 : real.countTree(actual(path), cancellation);
    }
}
