package dirsync.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Test fixtures for real directory trees: a small builder to lay a tree out, and one whole-tree comparison
 * (names, types, content, link targets, permissions, modification times) used by every test that checks a
 * replica.
 */
public final class Trees {

    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private Trees() {
    }

    /** Starts laying out a tree under {@code root} (created if missing). */
    public static Builder at(Path root) {
        return new Builder(root);
    }

    /**
     * Asserts that {@code actual} holds exactly the tree {@code expected} holds: the same names with the same
     * types, byte-identical files, the same link targets, permissions and modification times (of files and
     * directories, the roots included). On failure the message lists every differing entry.
     */
    public static void assertSameTree(Path expected, Path actual, Detail... more) {
        assertThat(snapshot(actual, more))
                .as("tree %s compared with %s", actual, expected)
                .containsExactlyEntriesOf(snapshot(expected, more));
    }

    /** What a comparison looks at besides names, types, content, link targets, permissions and times. */
    public enum Detail {
        /** Numeric owner and group, and all twelve mode bits (setuid, setgid, sticky), links included. */
        OWNERS,
        /** For a file with several names: how many, and the first of its names in the tree (the link structure). */
        HARD_LINKS,
        /** The {@code user.*} extended attributes of files and directories, names and values. */
        XATTRS,
        /**
         * Not a detail but less of one: modification times to the whole second only (rounded down), as a replica
         * that keeps no finer times (SFTP v3) holds them.
         */
        WHOLE_SECONDS
    }

    /** Every entry under {@code root} (and root itself, as ".") described in one line, sorted by path. */
    public static Map<String, String> snapshot(Path root, Detail... more) {
        boolean owners = java.util.Arrays.asList(more).contains(Detail.OWNERS);
        boolean xattrs = java.util.Arrays.asList(more).contains(Detail.XATTRS);
        boolean seconds = java.util.Arrays.asList(more).contains(Detail.WHOLE_SECONDS);
        Map<String, String> entries = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    entries.put(name(root, dir), describe(dir, seconds) + (owners ? owners(dir) : "")
                            + (xattrs ? xattrs(dir) : ""));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    entries.put(name(root, file), describe(file, seconds) + (owners ? owners(file) : "")
                            + (xattrs && attrs.isRegularFile() ? xattrs(file) : ""));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (java.util.Arrays.asList(more).contains(Detail.HARD_LINKS)) {
            addLinkStructure(root, entries);
        }
        return entries;
    }

    /** Appends " nlink=N first=NAME" to each file with several names, NAME the first of them in name order. */
    private static void addLinkStructure(Path root, Map<String, String> entries) {
        Map<Object, String> firstName = new java.util.HashMap<>();
        for (Map.Entry<String, String> entry : entries.entrySet()) {
            if (!entry.getValue().startsWith("file ")) {
                continue;
            }
            try {
                Path file = entry.getKey().equals(".") ? root : root.resolve(entry.getKey());
                Map<String, Object> unix = Files.readAttributes(file, "unix:nlink,ino,dev", NOFOLLOW);
                int links = (Integer) unix.get("nlink");
                if (links > 1) {
                    String first = firstName.computeIfAbsent(List.of(unix.get("dev"), unix.get("ino")),
                            key -> entry.getKey());
                    entry.setValue(entry.getValue() + " nlink=" + links + " first=" + first);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Deletes a tree bottom-up without following links (for trees too deep for JUnit's quick clean-up). */
    public static void deleteRecursively(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** " xattrs={name=value, ...}" of a file or directory: its user.* attributes, values as UTF-8. */
    public static String xattrs(Path path) throws IOException {
        java.nio.file.attribute.UserDefinedFileAttributeView view = Files.getFileAttributeView(path,
                java.nio.file.attribute.UserDefinedFileAttributeView.class, NOFOLLOW);
        Map<String, String> values = new TreeMap<>();
        for (String name : view.list()) {
            java.nio.ByteBuffer value = java.nio.ByteBuffer.allocate(view.size(name));
            view.read(name, value);
            values.put(name, new String(value.array(), 0, value.position(), StandardCharsets.UTF_8));
        }
        return " xattrs=" + values;
    }

    /** " uid=U gid=G mode=MMMM" (the twelve bits) of an entry, a link's own. */
    public static String owners(Path path) throws IOException {
        Map<String, Object> unix = Files.readAttributes(path, "unix:uid,gid,mode", NOFOLLOW);
        return String.format(" uid=%d gid=%d mode=%04o", (Integer) unix.get("uid"), (Integer) unix.get("gid"),
                (Integer) unix.get("mode") & 07777);
    }

    /** One entry's description, the unit of comparison. */
    public static String describe(Path path) throws IOException {
        return describe(path, false);
    }

    /** One entry's description, its time to the whole second only if {@code wholeSeconds}. */
    public static String describe(Path path, boolean wholeSeconds) throws IOException {
        PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, NOFOLLOW);
        String mode = PosixFilePermissions.toString(attributes.permissions());
        FileTime mtime = wholeSeconds
                ? FileTime.from(java.time.Instant.ofEpochSecond(attributes.lastModifiedTime().toInstant().getEpochSecond()))
                : attributes.lastModifiedTime();
        if (attributes.isSymbolicLink()) {
            return "symlink -> " + Files.readSymbolicLink(path);
        }
        if (attributes.isDirectory()) {
            return "directory " + mode + " mtime=" + mtime;
        }
        if (attributes.isRegularFile()) {
            return "file " + mode + " mtime=" + mtime + " size=" + attributes.size() + " md5=" + md5(path);
        }
        return "special";
    }

    /**
     * The relative name as UTF-8 text, the same whatever the provider and the locale: the platform's paths are
     * read through their URI (exact bytes), not their String form (which goes through the locale's charset).
     */
    private static String name(Path root, Path path) {
        String relative = root.relativize(path).toString();
        if (!relative.chars().allMatch(c -> c < 0x80) && path.getFileSystem() == java.nio.file.FileSystems.getDefault()) {
            String rootUri = root.toUri().getRawPath();
            String uri = path.toUri().getRawPath();
            String tail = uri.substring(rootUri.length() + (rootUri.endsWith("/") ? 0 : 1));
            relative = new String(percentDecoded(tail.endsWith("/") ? tail.substring(0, tail.length() - 1) : tail),
                    StandardCharsets.UTF_8);
        }
        return relative.isEmpty() ? "." : relative;
    }

    private static byte[] percentDecoded(String raw) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) == '%') {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(raw.charAt(i));
            }
        }
        return out.toByteArray();
    }

    /** The entry named by these exact bytes inside {@code dir}, whatever the locale's charset. */
    public static Path child(Path dir, byte[] name) {
        if (dir.getFileSystem() != java.nio.file.FileSystems.getDefault()) {
            return dir.resolve(new String(name, StandardCharsets.UTF_8));
        }
        StringBuilder escaped = new StringBuilder();
        for (byte b : name) {
            escaped.append('%').append(String.format("%02X", b & 0xff));
        }
        String base = dir.toAbsolutePath().toUri().toString();
        return Path.of(java.net.URI.create(base + (base.endsWith("/") ? "" : "/") + escaped));
    }

    public static String md5(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a test lays out in a tree, whatever holds it: a directory ({@link Builder}) or a tree in memory. Parents
     * are created as needed; every method returns the layout.
     */
    public interface Layout {
        Layout file(String relative, String content);

        Layout dir(String relative);

        Layout link(String relative, String target);

        /** A named pipe: only a tree on the platform's file system can hold one. */
        Layout fifo(String relative);

        /** Permissions such as "rwxr-x---" of a file or directory ("." for the root). */
        Layout mode(String relative, String permissions);

        /** The modification time of an entry, a link's own ("." for the root). */
        Layout mtime(String relative, Instant time);
    }

    /** Lays out files, directories, links and FIFOs; every method returns the builder. */
    public static final class Builder implements Layout {
        private final Path root;

        Builder(Path root) {
            this.root = root;
            try {
                Files.createDirectories(root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Path root() {
            return root;
        }

        public Path path(String relative) {
            return root.resolve(relative);
        }

        @Override
        public Builder file(String relative, String content) {
            return file(relative, content.getBytes(StandardCharsets.UTF_8));
        }

        public Builder file(String relative, byte[] content) {
            return io(() -> {
                Path file = parentsOf(relative);
                Files.write(file, content);
            });
        }

        /** A file at the top of the tree whose name is these exact bytes. */
        public Builder fileNamed(byte[] name, String content) {
            return io(() -> Files.writeString(child(root, name), content));
        }

        @Override
        public Builder dir(String relative) {
            return io(() -> Files.createDirectories(root.resolve(relative)));
        }

        @Override
        public Builder link(String relative, String target) {
            return io(() -> Files.createSymbolicLink(parentsOf(relative), root.getFileSystem().getPath(target)));
        }

        @Override
        public Builder fifo(String relative) {
            return io(() -> {
                Path fifo = parentsOf(relative);
                Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
                if (!mkfifo.waitFor(10, TimeUnit.SECONDS) || mkfifo.exitValue() != 0) {
                    throw new IOException("mkfifo failed for " + fifo);
                }
            });
        }

        @Override
        public Builder mode(String relative, String permissions) {
            return io(() -> Files.setPosixFilePermissions(root.resolve(relative),
                    PosixFilePermissions.fromString(permissions)));
        }

        /** Gives an entry (a link itself, never its target) a numeric owner and group: as root only. */
        public Builder owner(String relative, int uid, int gid) {
            return io(() -> {
                Files.setAttribute(root.resolve(relative), "unix:uid", uid, NOFOLLOW);
                Files.setAttribute(root.resolve(relative), "unix:gid", gid, NOFOLLOW);
            });
        }

        /** Sets all twelve mode bits of a file or directory, e.g. 04755 (a chown clears setuid: set it after). */
        public Builder modeBits(String relative, int mode) {
            return io(() -> Files.setAttribute(root.resolve(relative), "unix:mode", mode, NOFOLLOW));
        }

        /** Sets (or, with a null value, removes) a {@code user.*} extended attribute of a file or directory. */
        public Builder xattr(String relative, String name, String value) {
            return io(() -> {
                java.nio.file.attribute.UserDefinedFileAttributeView view = Files.getFileAttributeView(
                        root.resolve(relative), java.nio.file.attribute.UserDefinedFileAttributeView.class, NOFOLLOW);
                if (value == null) {
                    view.delete(name);
                } else {
                    view.write(name, java.nio.ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
                }
            });
        }

        /** Makes {@code relative} a second name of the file {@code existing} (a hard link). */
        public Builder hardLink(String relative, String existing) {
            return io(() -> Files.createLink(parentsOf(relative), root.resolve(existing)));
        }

        /** Sets the modification time of an entry (a link's own time, not its target's). */
        @Override
        public Builder mtime(String relative, Instant time) {
            return io(() -> Files.getFileAttributeView(root.resolve(relative),
                            java.nio.file.attribute.BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(FileTime.from(time), null, null));
        }

        private Path parentsOf(String relative) throws IOException {
            Path path = root.resolve(relative);
            Files.createDirectories(path.getParent());
            return path;
        }

        private Builder io(IoStep step) {
            try {
                step.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return this;
        }
    }

    @FunctionalInterface
    private interface IoStep {
        void run() throws IOException, InterruptedException;
    }
}
