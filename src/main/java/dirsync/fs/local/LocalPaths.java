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
 * overwritten by the next path that hashes there; a slot holds an immutable pair, written and read without a
 * lock: a thread that misses a pair another thread wrote makes the same path again.
 */
final class LocalPaths {

    /** Enough for the directories of a walk and the entries of the few listed ahead of it; a power of two. */
    private static final int SLOTS = 4096;

    private final Path root;
    private final FileSystem fs;
    private final NameCodec codec;
    private final Known[] known = new Known[SLOTS];

    private record Known(RelPath rel, Path path) {
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
        int slot = slot(rel);
        Known seen = known[slot];
        if (seen != null && seen.rel().equals(rel)) {
            return seen.path();
        }
        Path path = of(rel.parent()).resolve(element(rel.name()));
        known[slot] = new Known(rel, path);
        return path;
    }

    /** Keeps {@code path}, which a listing of this provider found for {@code rel}, for the asks that follow. */
    void listed(RelPath rel, Path path) {
        known[slot(rel)] = new Known(rel, path);
    }

    private static int slot(RelPath rel) {
        int hash = rel.hashCode();
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
