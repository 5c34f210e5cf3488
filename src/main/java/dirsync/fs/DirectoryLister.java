package dirsync.fs;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Lists one directory and reads each entry's attributes once, never following links. */
public final class DirectoryLister {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

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

    /** Reads the attributes of one path without following a link at its last element. */
    public static Entry examine(Path path) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, NOFOLLOW);
        Path name = path.getFileName() == null ? path : path.getFileName(); // "/" has no file name
        if (attributes.isSymbolicLink()) {
            return Entry.symlink(name, Files.readSymbolicLink(path), attributes.lastModifiedTime());
        }
        if (attributes.isDirectory()) {
            return Entry.directory(name, attributes.lastModifiedTime(), attributes.permissions());
        }
        if (attributes.isRegularFile()) {
            return Entry.file(name, attributes.size(), attributes.lastModifiedTime(), attributes.permissions());
        }
        return Entry.special(name, attributes.lastModifiedTime());
    }
}
