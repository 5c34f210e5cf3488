package dirsync.it;

import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The trees the kill tests copy: two versions of one tree, A and B, whose files have the same names and different
 * content everywhere (stamped with the tree's letter and the name, so no file of one equals its namesake in the
 * other, not even in part), big files written quickly, and fixed times.
 */
final class KillTrees {

    static final long MIB = 1L << 20;

    private KillTrees() {
    }

    /**
     * Lays out one tree: big files of {@code bigSizes} (at most four: at the top, in the middle and deep down, so
     * that a pass alternates between copying big files and many small ones), {@code smallPerDir} small files in
     * each of six directories, a name that is a file here and a directory in the other tree, and a directory only
     * this tree has. Modes and times differ between the trees too.
     */
    static void layOut(Path root, char tree, long[] bigSizes, int smallPerDir) throws IOException {
        Trees.Builder builder = Trees.at(root);
        String[] bigNames = {"big-1.bin", "media/big-2.bin", "media/raw/big-3.bin", "z/deep/er/big-4.bin"};
        for (int i = 0; i < bigSizes.length; i++) {
            bigFile(builder.path(bigNames[i]), tree, bigNames[i], bigSizes[i]);
        }
        String[] dirs = {"", "docs", "media", "src/main", "src/test", "z/deep"};
        Random sizes = new Random(tree * 31L);
        int index = 0;
        for (String dir : dirs) {
            for (int i = 0; i < smallPerDir; i++) {
                String name = (dir.isEmpty() ? "" : dir + "/") + String.format("small-%03d.txt", i);
                // Every third file keeps its size in both trees, so only the content (MD5) tells them apart.
                int size = i % 3 == 0 ? 100 + 97 * i : 64 + sizes.nextInt(48 * 1024);
                builder.file(name, content(tree, name, size));
                builder.mode(name, (index++ % 4 == 0) == (tree == 'A') ? "rw-r--r--" : "rw-------");
            }
        }
        if (tree == 'A') {
            builder.file("shape", content(tree, "shape", 5000));
            builder.file("only-a/one.txt", content(tree, "only-a/one.txt", 300));
            builder.file("only-a/sub/two.txt", content(tree, "only-a/sub/two.txt", 700));
        } else {
            builder.file("shape/inside.txt", content(tree, "shape/inside.txt", 5000));
            builder.file("only-b/one.txt", content(tree, "only-b/one.txt", 300));
        }
        setTimes(root, Instant.parse(tree == 'A' ? "2025-01-02T03:04:05.5Z" : "2025-06-07T08:09:10.25Z"));
    }

    /** A big file written quickly: a 1 MiB random block of its own, every copy stamped with tree, name and offset. */
    static void bigFile(Path file, char tree, String name, long size) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] block = new byte[(int) MIB];
        new Random(name.hashCode() * 7919L + tree).nextBytes(block);
        ByteBuffer buffer = ByteBuffer.wrap(block);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (long offset = 0; offset < size; offset += MIB) {
                byte[] stamp = String.format("tree %c file %s offset %d%n", tree, name, offset)
                        .getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(stamp, 0, block, 0, stamp.length);
                buffer.clear().limit((int) Math.min(MIB, size - offset));
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
        }
    }

    /** {@code size} random bytes of their own for {@code name} in {@code tree}, stamped with both at the start. */
    static byte[] content(char tree, String name, int size) {
        byte[] bytes = new byte[size];
        new Random(name.hashCode() * 31L + tree).nextBytes(bytes);
        byte[] stamp = ("tree " + tree + " file " + name + "\n").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(stamp, 0, bytes, 0, Math.min(stamp.length, size));
        return bytes;
    }

    /** Gives every file and directory under {@code root} a fixed time (a second apart in walk order). */
    static void setTimes(Path root, Instant base) throws IOException {
        List<Path> all = new ArrayList<>();
        try (var walk = Files.walk(root)) {
            walk.forEach(all::add);
        }
        // Deepest first, so that setting a file's time does not move its directory's afterwards.
        all.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
        for (int i = 0; i < all.size(); i++) {
            Files.setLastModifiedTime(all.get(i), FileTime.from(base.plusSeconds(i)));
        }
    }
}
