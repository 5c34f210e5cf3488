package dirsync.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Changes a source tree at random, one operation per {@link #step()}, the way a busy user or program would:
 * files are created, appended to, overwritten in place, truncated, renamed, re-moded and deleted; directories
 * are created, renamed, deleted whole, and names change type between file and directory; links come and go.
 *
 * <p>The mutator keeps its own model of the tree (it must be the only writer), so every step picks an existing
 * entry without listing the disk, and the tree hovers a little below {@code targetFiles} files. New names come from a
 * counter and never collide. One entry, {@value #ANCHOR}, is never touched, so the source is never empty. A
 * step that fails means the model is wrong, which is a bug in the test: it throws.
 */
public final class SourceMutator {

    /** A file at the root that no step changes. */
    public static final String ANCHOR = "anchor.txt";

    /** The operations, each counted by {@link #counts()}. */
    public enum Op {
        CREATE_FILE, APPEND, OVERWRITE_IN_PLACE, TRUNCATE, RENAME_FILE, CHMOD, DELETE_FILE,
        MAKE_DIRECTORY, RENAME_DIRECTORY, DELETE_DIRECTORY, FILE_BECOMES_DIRECTORY, DIRECTORY_BECOMES_FILE,
        CREATE_LINK, DELETE_LINK
    }

    private static final int MAX_DEPTH = 6;
    // All writable by the owner, so that later steps can still write the file without being root.
    private static final String[] MODES = {"rw-r--r--", "rw-------", "rwxr-xr-x", "rw-rw-r--"};

    private final Path root;
    private final Random random;
    private final int targetFiles;
    private final int largeFileBytes;
    private final List<Path> files = new ArrayList<>(); // relative; regular files, the anchor excluded
    private final List<Path> dirs = new ArrayList<>();  // relative; the root excluded
    private final List<Path> links = new ArrayList<>(); // relative
    private final Map<Op, Long> counts = new EnumMap<>(Op.class);
    private long names;

    /**
     * @param root           an existing, empty directory: the source
     * @param seed           for every random choice
     * @param targetFiles    creating files is likelier below this number, deleting them above it
     * @param largeFileBytes the largest size of the one file in twenty that is "large" (others stay under 16 KiB)
     */
    public SourceMutator(Path root, long seed, int targetFiles, int largeFileBytes) {
        this.root = root;
        this.random = new Random(seed);
        this.targetFiles = targetFiles;
        this.largeFileBytes = largeFileBytes;
        try {
            Files.writeString(root.resolve(ANCHOR), "the source is never empty\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lays out {@code dirCount} directories and {@code fileCount} files at once (no other step in between). */
    public SourceMutator populate(int dirCount, int fileCount) throws IOException {
        for (int i = 0; i < dirCount; i++) {
            makeDirectory();
        }
        for (int i = 0; i < fileCount; i++) {
            createFile();
        }
        return this;
    }

    /** One random operation, chosen so that the number of files drifts back towards the target. */
    public Op step() throws IOException {
        Op op = choose();
        switch (op) {
            case CREATE_FILE -> createFile();
            case APPEND -> append();
            case OVERWRITE_IN_PLACE -> overwriteInPlace();
            case TRUNCATE -> truncate();
            case RENAME_FILE -> renameFile();
            case CHMOD -> chmod();
            case DELETE_FILE -> deleteFile();
            case MAKE_DIRECTORY -> makeDirectory();
            case RENAME_DIRECTORY -> renameDirectory();
            case DELETE_DIRECTORY -> deleteDirectory();
            case FILE_BECOMES_DIRECTORY -> fileBecomesDirectory();
            case DIRECTORY_BECOMES_FILE -> directoryBecomesFile();
            case CREATE_LINK -> createLink();
            case DELETE_LINK -> deleteLink();
            default -> throw new IllegalStateException(op.name());
        }
        counts.merge(op, 1L, Long::sum);
        return op;
    }

    public int files() {
        return files.size();
    }

    public int directories() {
        return dirs.size();
    }

    /** How many times each operation ran. */
    public Map<Op, Long> counts() {
        return Map.copyOf(counts);
    }

    private Op choose() {
        if (files.isEmpty()) {
            return random.nextInt(4) == 0 ? Op.MAKE_DIRECTORY : Op.CREATE_FILE;
        }
        boolean below = files.size() < targetFiles;
        // A whole directory goes only while the tree is big enough: it can take many files with it.
        boolean bigEnough = !dirs.isEmpty() && files.size() > targetFiles * 3 / 4;
        int roll = random.nextInt(100);
        // Out of 100: creating and deleting files (34, the likelier one depending on the target), changing
        // content (26), renaming and re-moding (15), directories (13), links (12).
        if ((roll -= below ? 26 : 8) < 0) {
            return Op.CREATE_FILE;
        }
        if ((roll -= below ? 8 : 26) < 0) {
            return Op.DELETE_FILE;
        }
        if ((roll -= 12) < 0) {
            return Op.APPEND;
        }
        if ((roll -= 8) < 0) {
            return Op.OVERWRITE_IN_PLACE;
        }
        if ((roll -= 6) < 0) {
            return Op.TRUNCATE;
        }
        if ((roll -= 10) < 0) {
            return Op.RENAME_FILE;
        }
        if ((roll -= 5) < 0) {
            return Op.CHMOD;
        }
        if ((roll -= 5) < 0) {
            return dirs.size() * 20 < targetFiles || dirs.isEmpty() ? Op.MAKE_DIRECTORY : Op.RENAME_DIRECTORY;
        }
        if ((roll -= 4) < 0) {
            return dirs.isEmpty() ? Op.MAKE_DIRECTORY : Op.RENAME_DIRECTORY;
        }
        if ((roll -= 1) < 0) {
            return bigEnough && dirs.size() * 40 > targetFiles ? Op.DELETE_DIRECTORY : Op.MAKE_DIRECTORY;
        }
        if ((roll -= 2) < 0) {
            return Op.FILE_BECOMES_DIRECTORY;
        }
        if ((roll -= 1) < 0) {
            return bigEnough ? Op.DIRECTORY_BECOMES_FILE : Op.MAKE_DIRECTORY;
        }
        if ((roll -= 6) < 0) {
            return Op.CREATE_LINK;
        }
        return links.isEmpty() ? Op.CREATE_LINK : Op.DELETE_LINK;
    }

    private void createFile() throws IOException {
        Path file = randomDirectory().resolve(newName("f"));
        writeNew(file);
        files.add(file);
    }

    private void writeNew(Path file) throws IOException {
        int size = random.nextInt(20) == 0 ? random.nextInt(largeFileBytes + 1) : random.nextInt(16 * 1024);
        Files.write(root.resolve(file), bytes(size), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    private void append() throws IOException {
        Path file = pick(files);
        Files.write(root.resolve(file), bytes(1 + random.nextInt(8192)), StandardOpenOption.APPEND);
    }

    /** New bytes in the middle of a file, its size unchanged: only its content (and time) tells. */
    private void overwriteInPlace() throws IOException {
        Path file = pick(files);
        try (FileChannel channel = FileChannel.open(root.resolve(file), StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size == 0) {
                return;
            }
            int length = (int) Math.min(size, 1 + random.nextInt(4096));
            long offset = (long) (random.nextDouble() * (size - length));
            channel.write(ByteBuffer.wrap(bytes(length)), offset);
        }
    }

    private void truncate() throws IOException {
        Path file = pick(files);
        try (FileChannel channel = FileChannel.open(root.resolve(file), StandardOpenOption.WRITE)) {
            channel.truncate(random.nextInt(4) == 0 ? 0 : (long) (random.nextDouble() * channel.size()));
        }
    }

    private void renameFile() throws IOException {
        int index = random.nextInt(files.size());
        Path from = files.get(index);
        Path to = randomDirectory().resolve(newName("f"));
        Files.move(root.resolve(from), root.resolve(to));
        files.set(index, to);
    }

    private void chmod() throws IOException {
        Files.setPosixFilePermissions(root.resolve(pick(files)),
                PosixFilePermissions.fromString(MODES[random.nextInt(MODES.length)]));
    }

    private void deleteFile() throws IOException {
        Path file = files.remove(random.nextInt(files.size()));
        Files.delete(root.resolve(file));
    }

    private void makeDirectory() throws IOException {
        Path parent = randomDirectory();
        Path dir = (parent.getNameCount() < MAX_DEPTH ? parent : Path.of("")).resolve(newName("d"));
        Files.createDirectory(root.resolve(dir));
        dirs.add(dir);
    }

    private void renameDirectory() throws IOException {
        Path from = pick(dirs);
        Path parent = randomDirectory();
        if (parent.startsWith(from) || parent.getNameCount() >= MAX_DEPTH / 2) {
            parent = Path.of(""); // a directory cannot move into itself; and moves do not pile up depth
        }
        Path to = parent.resolve(newName("d"));
        Files.move(root.resolve(from), root.resolve(to));
        rebase(files, from, to);
        rebase(dirs, from, to);
        rebase(links, from, to);
    }

    private void deleteDirectory() throws IOException {
        Path dir = smallSubtree();
        Trees.deleteRecursively(root.resolve(dir));
        forget(dir);
    }

    private void fileBecomesDirectory() throws IOException {
        Path file = files.remove(random.nextInt(files.size()));
        Files.delete(root.resolve(file));
        Files.createDirectory(root.resolve(file));
        dirs.add(file);
        Path inside = file.resolve(newName("f"));
        writeNew(inside);
        files.add(inside);
    }

    private void directoryBecomesFile() throws IOException {
        Path dir = smallSubtree();
        Trees.deleteRecursively(root.resolve(dir));
        forget(dir);
        writeNew(dir);
        files.add(dir);
    }

    private void createLink() throws IOException {
        Path link = randomDirectory().resolve(newName("l"));
        // Dangling or not, relative or absolute: a link is copied as its text, never followed.
        String target = switch (random.nextInt(3)) {
            case 0 -> files.isEmpty() ? "nowhere" : pick(files).getFileName().toString();
            case 1 -> "../" + newName("missing");
            default -> "/nonexistent/" + newName("abs");
        };
        Files.createSymbolicLink(root.resolve(link), Path.of(target));
        links.add(link);
    }

    private void deleteLink() throws IOException {
        Path link = links.remove(random.nextInt(links.size()));
        Files.delete(root.resolve(link));
    }

    /** The root (empty path) or one of the directories. */
    private Path randomDirectory() {
        int index = random.nextInt(dirs.size() + 1);
        return index == dirs.size() ? Path.of("") : dirs.get(index);
    }

    private void forget(Path dir) {
        files.removeIf(path -> path.startsWith(dir));
        dirs.removeIf(path -> path.startsWith(dir));
        links.removeIf(path -> path.startsWith(dir));
    }

    private static void rebase(List<Path> paths, Path from, Path to) {
        paths.replaceAll(path -> path.startsWith(from) ? to.resolve(from.relativize(path)) : path);
    }

    /** Of a few directories picked at random, the one with the fewest files beneath: no step wipes the tree. */
    private Path smallSubtree() {
        Path best = null;
        long bestFiles = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            Path candidate = pick(dirs);
            long beneath = files.stream().filter(file -> file.startsWith(candidate)).count();
            if (beneath < bestFiles) {
                best = candidate;
                bestFiles = beneath;
            }
        }
        return best;
    }

    private Path pick(List<Path> paths) {
        return paths.get(random.nextInt(paths.size()));
    }

    private String newName(String prefix) {
        return prefix + (++names);
    }

    private byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }
}
