import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded benchmark trees and mutations for dirsync. Single-file program, no build needed:
 *
 * <pre>
 * java src/bench/GenerateTree.java gen small|large|mixed DIR [--seed N] [--scale F]
 *      [--files N] [--leaves N] [--tops N] [--mib M]
 * java src/bench/GenerateTree.java mutate rewrite|churn DIR [--seed N] [--percent P]
 * </pre>
 *
 * The same kind, seed and scale always give the same tree: the same names, sizes, contents, modes and
 * modification times. A mutation of a tree picks its files from the sorted list of the tree's regular files
 * (symbolic links are never touched), so the same mutation of two equal trees gives two equal trees.
 * A mutation never writes into an existing file: it writes a temporary file and renames it over the old
 * one, so a tree made with {@code cp -al} from a pristine copy can be mutated without touching the original.
 */
public final class GenerateTree {

    private static final long BASE_EPOCH = 1_767_225_600L; // 2026-01-01T00:00:00Z
    private static final int CHUNK = 1 << 20;
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> EXEC_MODE = PosixFilePermissions.fromString("rwxr-xr-x");

    private final byte[] chunk = new byte[CHUNK];
    private final ByteBuffer chunkView = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    private long filesWritten;
    private long bytesWritten;

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            usage();
        }
        long seed = 42;
        double scale = 1.0;
        double percent = 1.0;
        int[] shape = {-1, -1, -1}; // files, leaves, tops: -1 = from the scale
        double mib = -1; // total size of mixed: -1 = from the scale
        for (int i = 3; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--scale" -> scale = Double.parseDouble(args[++i]);
                case "--percent" -> percent = Double.parseDouble(args[++i]);
                case "--files" -> shape[0] = Integer.parseInt(args[++i]);
                case "--leaves" -> shape[1] = Integer.parseInt(args[++i]);
                case "--tops" -> shape[2] = Integer.parseInt(args[++i]);
                case "--mib" -> mib = Double.parseDouble(args[++i]);
                default -> usage();
            }
        }
        Path dir = Path.of(args[2]);
        GenerateTree g = new GenerateTree();
        long t0 = System.nanoTime();
        switch (args[0]) {
            case "gen" -> {
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    try (var s = Files.list(dir)) {
                        if (s.findAny().isPresent()) {
                            die("refusing to generate into non-empty " + dir);
                        }
                    }
                }
                Files.createDirectories(dir);
                switch (args[1]) {
                    case "small" -> g.small(dir, seed, scale, shape);
                    case "large" -> g.large(dir, seed, scale, shape[0]);
                    case "mixed" -> g.mixed(dir, seed, scale, shape[0], mib);
                    default -> usage();
                }
                g.setDirTimes(dir, seed);
            }
            case "mutate" -> {
                switch (args[1]) {
                    case "rewrite" -> g.rewrite(dir, seed, percent);
                    case "churn" -> g.churn(dir, seed, percent);
                    default -> usage();
                }
            }
            default -> usage();
        }
        System.err.printf("%s %s %s: %d files, %d bytes written in %.1f s%n", args[0], args[1], dir,
                g.filesWritten, g.bytesWritten, (System.nanoTime() - t0) / 1e9);
    }

    private static void usage() {
        die("usage: java GenerateTree.java gen small|large|mixed DIR [--seed N] [--scale F]"
                + " [--files N] [--leaves N] [--tops N] [--mib M]\n"
                + "       java GenerateTree.java mutate rewrite|churn DIR [--seed N] [--percent P]");
    }

    private static void die(String message) {
        System.err.println(message);
        System.exit(2);
    }

    // ---------------------------------------------------------------- trees

    /**
     * 50,000 x scale files of 1-16 KiB (uniform), in 500 x scale leaf directories under 20 x sqrt(scale) top ones;
     * shape[0..2] (files, leaves, tops), where not -1, set those counts instead.
     */
    private void small(Path root, long seed, double scale, int[] shape) throws IOException {
        int files = shape[0] > 0 ? shape[0] : (int) Math.max(1, Math.round(50_000 * scale));
        int leaves = shape[1] > 0 ? shape[1] : (int) Math.max(1, Math.round(500 * scale));
        int tops = shape[2] > 0 ? shape[2] : (int) Math.max(1, Math.round(20 * Math.sqrt(scale)));
        List<Path> dirs = new ArrayList<>(leaves);
        for (int i = 0; i < leaves; i++) {
            Path d = root.resolve(String.format("top%03d/leaf%05d", i % tops, i));
            Files.createDirectories(d);
            dirs.add(d);
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < files; i++) {
            Path d = dirs.get(r.nextInt(leaves));
            long size = 1024 + r.nextInt(15 * 1024 + 1);
            writeFile(d.resolve(String.format("f%07d.dat", i)), size, r.nextLong(), r);
        }
    }

    /** 4 files (or {@code count}, where not -1) of 1 GiB x scale. */
    private void large(Path root, long seed, double scale, int count) throws IOException {
        long size = Math.max(1, Math.round((1L << 30) * scale));
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < (count > 0 ? count : 4); i++) {
            writeFile(root.resolve(String.format("large%d.bin", i)), size, r.nextLong(), r);
        }
    }

    /**
     * 20,000 x scale files with log-normal sizes (sigma 2), scaled so that they add up to 2 GiB x scale, in a
     * random tree of about one directory per 100 files (each new directory under a random earlier one).
     * {@code count} (files) and {@code mib} (total MiB), where not -1, set those instead of the scale.
     */
    private void mixed(Path root, long seed, double scale, int count, double mib) throws IOException {
        int files = count > 0 ? count : (int) Math.max(1, Math.round(20_000 * scale));
        long total = mib >= 0 ? Math.round(mib * (1 << 20)) : Math.round((2L << 30) * scale);
        int dirCount = Math.max(1, files / 100);
        SplittableRandom r = new SplittableRandom(seed);
        List<Path> dirs = new ArrayList<>();
        dirs.add(root);
        for (int i = 1; i < dirCount; i++) {
            Path parent = dirs.get(r.nextInt(dirs.size()));
            if (root.relativize(parent).getNameCount() >= 6) {
                parent = root;
            }
            Path d = parent.resolve(String.format("d%04d", i));
            Files.createDirectories(d);
            dirs.add(d);
        }
        double[] raw = new double[files];
        double sum = 0;
        Random gauss = new Random(r.nextLong());
        for (int i = 0; i < files; i++) {
            raw[i] = Math.exp(2.0 * gauss.nextGaussian());
            sum += raw[i];
        }
        long written = 0;
        for (int i = 0; i < files; i++) {
            long size = Math.max(0, Math.round(raw[i] / sum * total));
            if (i == files - 1) {
                size = Math.max(0, total - written);
            }
            written += size;
            Path d = dirs.get(r.nextInt(dirs.size()));
            writeFile(d.resolve(String.format("m%06d.dat", i)), size, r.nextLong(), r);
        }
    }

    /** Seeded directory times, deepest first, so that writing a child does not undo its parent's time. */
    private void setDirTimes(Path root, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed ^ 0xD1D1D1D1L);
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.setLastModifiedTime(dir, FileTime.fromMillis((BASE_EPOCH + r.nextInt(30_000_000)) * 1000));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    // ------------------------------------------------------------ mutations

    /** {@code percent}% of the regular files get new content of the same size (and their time moves 1 h on). */
    private void rewrite(Path root, long seed, double percent) throws IOException {
        List<Path> files = regularFiles(root);
        Collections.shuffle(files, new Random(seed ^ 0x7E3717EL));
        int k = count(files.size(), percent);
        SplittableRandom r = new SplittableRandom(seed ^ 0x7E3717EL);
        for (int i = 0; i < k; i++) {
            replace(files.get(i), Files.size(files.get(i)), r.nextLong(), r);
        }
        System.err.printf("rewrote %d of %d files%n", k, files.size());
    }

    /**
     * Churn: {@code percent}% of the regular files deleted, another {@code percent}% modified (new content,
     * size 0.5x to 1.5x, time 1 h on), and as many files added (sizes borrowed from random existing files) in
     * the directories of random existing files.
     */
    private void churn(Path root, long seed, double percent) throws IOException {
        List<Path> files = regularFiles(root);
        Collections.shuffle(files, new Random(seed ^ 0xC4C4L));
        int k = Math.min(count(files.size(), percent), files.size() / 3);
        SplittableRandom r = new SplittableRandom(seed ^ 0xC4C4L);
        List<Path> addDirs = new ArrayList<>();
        List<Long> addSizes = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Path model = files.get(2 * k + r.nextInt(files.size() - 2 * k));
            addDirs.add(model.getParent());
            addSizes.add(Files.size(files.get(r.nextInt(files.size()))));
        }
        for (int i = 0; i < k; i++) {
            Files.delete(files.get(i));
        }
        for (int i = k; i < 2 * k; i++) {
            long old = Files.size(files.get(i));
            replace(files.get(i), Math.max(1, Math.round(old * (0.5 + r.nextDouble()))), r.nextLong(), r);
        }
        for (int i = 0; i < k; i++) {
            Path p = addDirs.get(i).resolve(String.format("churn-added-%06d.dat", i));
            int n = 1;
            while (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                p = addDirs.get(i).resolve(String.format("churn-added-%06d-%d.dat", i, n++));
            }
            writeFile(p, addSizes.get(i), r.nextLong(), r);
        }
        System.err.printf("churn: deleted %d, modified %d, added %d of %d files%n", k, k, k, files.size());
    }

    private static int count(int n, double percent) {
        return (int) Math.max(1, Math.min(n, Math.round(n * percent / 100.0)));
    }

    private static List<Path> regularFiles(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                if (a.isRegularFile()) {
                    out.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(null);
        return out;
    }

    /** New content for {@code file} through a temporary file and a rename; mode kept, time 1 h later. */
    private void replace(Path file, long size, long contentSeed, SplittableRandom r) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        FileTime time = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
        Path tmp = file.resolveSibling(".bench-mutate.tmp");
        write(tmp, size, contentSeed);
        Files.setPosixFilePermissions(tmp, mode);
        Files.setLastModifiedTime(tmp, FileTime.fromMillis(time.toMillis() + 3_600_000));
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // --------------------------------------------------------------- content

    /** A new file: seeded content, mode 0644 (one in 20: 0755), seeded time. */
    private void writeFile(Path file, long size, long contentSeed, SplittableRandom r) throws IOException {
        write(file, size, contentSeed);
        Files.setPosixFilePermissions(file, r.nextInt(20) == 0 ? EXEC_MODE : FILE_MODE);
        Files.setLastModifiedTime(file, FileTime.fromMillis((BASE_EPOCH + r.nextInt(30_000_000)) * 1000));
    }

    private void write(Path file, long size, long contentSeed) throws IOException {
        SplittableRandom content = new SplittableRandom(contentSeed);
        try (OutputStream out = Files.newOutputStream(file)) {
            long left = size;
            while (left > 0) {
                int n = (int) Math.min(CHUNK, left);
                for (int i = 0; i < n; i += 8) {
                    chunkView.putLong(i, content.nextLong());
                }
                out.write(chunk, 0, n);
                left -= n;
            }
        }
        filesWritten++;
        bytesWritten += size;
    }
}
