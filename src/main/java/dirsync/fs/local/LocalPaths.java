package dirsync.fs.local;

import dirsync.fs.LinkTarget;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.nio.file.FileSystem;
import java.nio.file.Path;

/**
 * Where a local tree's entries are on its provider: the root, the {@link NameCodec} between names' bytes and the
 * provider's paths, and the paths it made lately. The core's {@link RelPath}s become paths here and only here.
 * <p>
 * The cache holds the paths of recent {@code RelPath}s: those of the entries of the directories just listed
 * (the listing's own paths, which a pass asks for again to hash, examine or replace an entry), and those made
 * here, so that a directory is resolved once. A fixed number of slots, each chosen by the path's hash and
 * overwritten by the next path that hashes there; a slot holds an immutable record, written and read without a
 * lock: a thread that misses a record another thread wrote makes the same path again.
 */
final class LocalPaths {

    /**
     * Enough for the directories of a walk and the entries of the few listed ahead of it; a power of two. Few: what
     * the cache holds lives on through every young collection, which copies it (a larger cache cost more GC time).
     */
    private static final int SLOTS = 1024;

    private final Path root;
    private final FileSystem fs;
    private final NameCodec codec;
    private final Known[] known = new Known[SLOTS];

    /** The path of the entry {@code name} in {@code dir}: kept by its parts, which the pass holds anyway. */
    private record Known(RelPath dir, Name name, Path path) {
    }

    LocalPaths(Path root) {
        this.root = root;
        this.fs = root.getFileSystem();
        this.codec = NameCodec.of(fs);
    }

    Path root() {
        return root;
    }

    /** The provider's path of {@code rel}. */
    Path of(RelPath rel) {
        if (rel.isRoot()) {
            return root;
        }
        RelPath dir = rel.parent();
        Name name = rel.name();
        int slot = slot(dir, name);
        Known seen = known[slot];
        if (seen != null && seen.name().equals(name) && seen.dir().equals(dir)) {
            return seen.path();
        }
        Path path = of(dir).resolve(element(name));
        known[slot] = new Known(dir, name, path);
        return path;
    }

    /** Keeps {@code path}, which a listing of {@code dir} found for {@code name}, for the asks that follow. */
    void listed(RelPath dir, Name name, Path path) {
        known[slot(dir, name)] = new Known(dir, name, path);
    }

    private static int slot(RelPath dir, Name name) {
        int hash = 31 * dir.hashCode() + name.hashCode();
        return (hash ^ (hash >>> 16)) & (SLOTS - 1);
    }

    /** Where {@code rel} goes under {@code dir}, a directory of this provider or of another. */
    Path under(Path dir, RelPath rel) {
        FileSystem other = dir.getFileSystem();
        if (rel.isRoot()) {
            return dir;
        }
        if (other != fs) {
            return dir.resolve(NameCodec.of(other).path(other, rel.bytes()));
        }
        Path at = dir;
        for (Name name : rel.names()) {
            at = at.resolve(element(name));
        }
        return at;
    }

    /** The provider's path element for {@code name}. */
    private Path element(Name name) {
        return codec.path(fs, name.bytes());
    }

    /** The name of a path element of this provider (an entry of a listing, or an event's). */
    Name nameOf(Path element) {
        return Name.of(codec.bytes(element));
    }

    /** What a link of this provider holds, as bytes. */
    LinkTarget targetOf(Path target) {
        return LinkTarget.of(codec.targetBytes(target));
    }

    /** The provider's path a link to {@code target} must hold: the very bytes, slashes included. */
    Path target(LinkTarget target) {
        return codec.target(fs, target.bytes());
    }
}
