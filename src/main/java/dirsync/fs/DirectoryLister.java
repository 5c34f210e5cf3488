package dirsync.fs;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Lists one directory and reads each entry's attributes once, never following links. */
public final class DirectoryLister {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    /** Everything a pass needs of an entry, in one stat: no more costly than PosixFileAttributes. */
    private static final String ATTRIBUTES = "unix:mode,size,lastModifiedTime,ctime,ino,dev,permissions";
    private static final int S_IFMT = 0170000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;

    private DirectoryLister() {
    }

    /**
     * Lists {@code dir}. A directory that cannot be listed throws; an entry that cannot be examined is
     * reported as {@link EntryKind#UNREADABLE} and as a problem; an entry that vanished is left out.
     */
    public static Listing list(Path dir) throws IOException {
        List<Entry> entries = new ArrayList<>();
        List<Listing.Problem> problems = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path child : iterate(stream)) {
                Path name = child.getFileName();
                try {
                    entries.add(examine(child));
                } catch (NoSuchFileException vanished) {
                    // Gone between readdir and stat: it is simply not part of this listing.
                } catch (IOException e) {
                    entries.add(Entry.unreadable(name));
                    problems.add(new Listing.Problem(name, e));
                }
            }
        }
        // DirectoryStream order is unspecified; Path order on Linux is byte order of the names.
        entries.sort(Comparator.comparing(Entry::name));
        return new Listing(entries, problems);
    }

    // A read error in the middle of a listing surfaces as DirectoryIteratorException; unwrap it to IOException.
    private static List<Path> iterate(DirectoryStream<Path> stream) throws IOException {
        List<Path> children = new ArrayList<>();
        try {
            stream.forEach(children::add);
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return children;
    }

    /** Reads the attributes of one path (one stat) without following a link at its last element. */
    @SuppressWarnings("unchecked")
    public static Entry examine(Path path) throws IOException {
        Map<String, Object> unix = Files.readAttributes(path, ATTRIBUTES, NOFOLLOW);
        Path name = path.getFileName() == null ? path : path.getFileName(); // "/" has no file name
        FileTime modified = (FileTime) unix.get("lastModifiedTime");
        Set<PosixFilePermission> permissions = (Set<PosixFilePermission>) unix.get("permissions");
        Entry entry = switch ((Integer) unix.get("mode") & S_IFMT) {
            case S_IFLNK -> Entry.symlink(name, Files.readSymbolicLink(path), modified);
            case S_IFDIR -> Entry.directory(name, modified, permissions);
            case S_IFREG -> Entry.file(name, (Long) unix.get("size"), modified, permissions);
            default -> Entry.special(name, modified);
        };
        return entry.withIdentity(new Entry.Identity((Long) unix.get("dev"), (Long) unix.get("ino"),
                (FileTime) unix.get("ctime")));
    }
}
