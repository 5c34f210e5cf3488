package dirsync.fs.local;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.LinkTarget;
import dirsync.fs.Listing;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Lists directories and reads one entry's attributes in one call, never following a link: with the platform's "unix" view, also the
 * identity (device, inode, change time) that the verified-hash memory trusts; otherwise the POSIX attributes
 * alone, and no identity. The unix view's values come straight from the platform's attributes object where the JVM
 * lets {@link PlatformStat} read it (the same lstat, without the view's map), else from the view's map.
 */
final class EntryReader {

    /** What an Entry needs, no more: the permissions come from the mode (asking for them builds a set per entry). */
    private static final String UNIX_ATTRIBUTES = "unix:mode,size,lastModifiedTime,ctime,ino,dev,uid,gid,nlink";
    /** What the hash memory knows a file's state by. */
    private static final String STATE = "unix:size,lastModifiedTime,ctime,ino,dev";
    private static final int S_IFMT = 0170000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int SPECIAL_BITS = 07000;
    /**
     * The nine permission bits as sets, one shared immutable set per combination, each made when a mode first needs
     * it (a tree has a few; all 512 at the class's start cost a short run some milliseconds of interpreted code).
     * Two threads that make the same set at once both get an equal one.
     */
    private static final AtomicReferenceArray<Set<PosixFilePermission>> PERMISSIONS = new AtomicReferenceArray<>(512);

    private final LocalPaths paths;
    private final boolean unixView;
    /** Whether the unix view's values are read straight from the platform's attributes ({@link PlatformStat}). */
    private final boolean platformStat;

    EntryReader(LocalPaths paths, boolean unixView) {
        this(paths, unixView, PlatformStat.available());
    }

    /** With {@code platformStat} false, always through the unix view's map (tests compare the two ways). */
    EntryReader(LocalPaths paths, boolean unixView, boolean platformStat) {
        this.paths = paths;
        this.unixView = unixView;
        this.platformStat = unixView && platformStat && PlatformStat.available();
    }

    /**
     * A directory's entries, sorted by name; an entry that cannot be examined is listed as a problem. The paths
     * listed are kept for the pass's next asks.
     */
    Listing list(RelPath dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Listing.Problem> problems = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(paths.of(dir))) {
            for (Path child : children(stream)) {
                Name name = paths.nameOf(child.getFileName());
                paths.listed(dir, name, child);
                try {
                    entries.add(examine(child, name));
                } catch (NoSuchFileException vanished) {
                    // Gone between readdir and stat: it is simply not part of this listing.
                } catch (IOException e) {
                    entries.add(Entry.unreadable(name));
                    problems.add(new Listing.Problem(name, e));
                }
            }
        }
        entries.sort((a, b) -> a.name().compareTo(b.name()));
        return new Listing(entries, problems);
    }

    // A read error in the middle of a listing surfaces as DirectoryIteratorException; unwrap it to IOException.
    private static List<Path> children(DirectoryStream<Path> stream) throws IOException {
        List<Path> children = new ArrayList<>();
        try {
            stream.forEach(children::add);
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return children;
    }

    Entry examine(Path path, Name name) throws IOException {
        if (!unixView) {
            return examinePosix(path, name);
        }
        if (platformStat) {
            PosixFileAttributes stat = Files.readAttributes(path, PosixFileAttributes.class, LocalTree.NOFOLLOW);
            // Always the platform's object on the platform's provider (the only one with a unix view here): the
            // map below is read instead only by a JDK that hands out another, as a second read.
            if (PlatformStat.reads(stat)) {
                int mode = PlatformStat.mode(stat);
                return entry(path, name, mode, stat.size(), stat.lastModifiedTime(),
                        new Entry.Identity(PlatformStat.device(stat), PlatformStat.inode(stat),
                                PlatformStat.changed(stat), PlatformStat.links(stat)),
                        new Entry.Owner(PlatformStat.uid(stat), PlatformStat.gid(stat), mode & SPECIAL_BITS));
            }
        }
        Map<String, Object> unix = Files.readAttributes(path, UNIX_ATTRIBUTES, LocalTree.NOFOLLOW);
        int mode = (Integer) unix.get("mode");
        return entry(path, name, mode, (Long) unix.get("size"), (FileTime) unix.get("lastModifiedTime"),
                new Entry.Identity(number(unix.get("dev")), number(unix.get("ino")), (FileTime) unix.get("ctime"),
                        (Integer) unix.get("nlink")),
                new Entry.Owner((Integer) unix.get("uid"), (Integer) unix.get("gid"), mode & SPECIAL_BITS));
    }

    /** One Entry for every listed entry of every pass: built once, with all it needs, from one read's values. */
    private Entry entry(Path path, Name name, int mode, long size, FileTime modified, Entry.Identity identity,
                        Entry.Owner owner) throws IOException {
        EntryKind kind = switch (mode & S_IFMT) {
            case S_IFLNK -> EntryKind.SYMLINK;
            case S_IFDIR -> EntryKind.DIRECTORY;
            case S_IFREG -> EntryKind.FILE;
            default -> EntryKind.SPECIAL;
        };
        return new Entry(name, kind, kind == EntryKind.FILE ? size : 0, modified,
                kind == EntryKind.SYMLINK || kind == EntryKind.SPECIAL ? Set.of() : permissions(mode & 0777),
                kind == EntryKind.SYMLINK ? target(path) : null, identity, owner);
    }

    private static Set<PosixFilePermission> permissions(int bits) {
        Set<PosixFilePermission> known = PERMISSIONS.get(bits);
        if (known != null) {
            return known;
        }
        PosixFilePermission[] all = PosixFilePermission.values(); // OWNER_READ (0400) ... OTHERS_EXECUTE (0001)
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < all.length; i++) {
            if ((bits & (0400 >> i)) != 0) {
                set.add(all[i]);
            }
        }
        Set<PosixFilePermission> made = Set.copyOf(set);
        PERMISSIONS.set(bits, made);
        return made;
    }

    /**
     * Whether the entry at {@code path} is still in the state the hash memory knows {@code listed} by: the same
     * file (device and inode), size, modification time and change time, read in one call without following a
     * link (any chmod, chown or link moves the change time too). For regular files, which alone are hashed (an
     * entry of another kind is listed with size 0, and may count as changed). Without a unix view: equal in every
     * attribute.
     */
    boolean unchanged(Path path, Entry listed) throws IOException {
        if (!unixView) {
            return examinePosix(path, listed.name()).equals(listed);
        }
        Entry.Identity identity = listed.identity();
        if (platformStat) {
            PosixFileAttributes stat = Files.readAttributes(path, PosixFileAttributes.class, LocalTree.NOFOLLOW);
            if (PlatformStat.reads(stat)) {
                return PlatformStat.device(stat) == identity.device() && PlatformStat.inode(stat) == identity.inode()
                        && identity.changed().equals(PlatformStat.changed(stat))
                        && listed.modified().equals(stat.lastModifiedTime()) && listed.size() == stat.size();
            }
        }
        Map<String, Object> unix = Files.readAttributes(path, STATE, LocalTree.NOFOLLOW);
        return number(unix.get("dev")) == identity.device() && number(unix.get("ino")) == identity.inode()
                && identity.changed().equals(unix.get("ctime")) && listed.modified().equals(unix.get("lastModifiedTime"))
                && listed.size() == (Long) unix.get("size");
    }

    private static long number(Object attribute) {
        return attribute instanceof Number number ? number.longValue() : attribute.hashCode();
    }

    /** Without a unix view: no identity, so the hash memory never trusts these entries. */
    private Entry examinePosix(Path path, Name name) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LocalTree.NOFOLLOW);
        FileTime modified = attributes.lastModifiedTime();
        if (attributes.isSymbolicLink()) {
            return Entry.symlink(name, target(path), modified);
        } else if (attributes.isDirectory()) {
            return Entry.directory(name, modified, attributes.permissions());
        } else if (attributes.isRegularFile()) {
            return Entry.file(name, attributes.size(), modified, attributes.permissions());
        }
        return Entry.special(name, modified);
    }

    private LinkTarget target(Path link) throws IOException {
        return paths.targetOf(Files.readSymbolicLink(link));
    }
}
