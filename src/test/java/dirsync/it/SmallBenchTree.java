package dirsync.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's {@code small} tree at scale 1, the tree issue 25 sets its memory targets on: 50,000 files of 1 to
 * 16 KiB (uniform, random bytes), about 420 MB, in 500 leaf directories {@code topNNN/leafNNNNN} under 20 top ones.
 * The same shape as {@code src/bench/GenerateTree.java gen small}; the contents need not be the same bytes.
 */
final class SmallBenchTree {

    static final int FILES = 50_000;
    private static final int LEAVES = 500;
    private static final int TOPS = 20;
    private static final int MIN_SIZE = 1024;
    private static final int MAX_SIZE = 16 * 1024;

    private SmallBenchTree() {
    }

    /** Writes the tree into the empty or missing directory {@code root}; the same seed gives the same tree. */
    static void generate(Path root, long seed) throws IOException {
        List<Path> leaves = new ArrayList<>(LEAVES);
        for (int i = 0; i < LEAVES; i++) {
            leaves.add(Files.createDirectories(root.resolve(String.format("top%03d/leaf%05d", i % TOPS, i))));
        }
        SplittableRandom random = new SplittableRandom(seed);
        byte[] content = new byte[MAX_SIZE];
        for (int i = 0; i < FILES; i++) {
            Path leaf = leaves.get(random.nextInt(LEAVES));
            int size = MIN_SIZE + random.nextInt(MAX_SIZE - MIN_SIZE + 1);
            random.nextBytes(content);
            try (OutputStream out = Files.newOutputStream(leaf.resolve(String.format("f%07d.dat", i)))) {
                out.write(content, 0, size);
            }
        }
    }
}
