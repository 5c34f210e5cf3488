package watchbench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** A source tree as the benchmark sees it: its directories (sorted) and each one's regular files. */
final class Tree {
    final String name;
    final Path root;
    final List<Path> dirs = new ArrayList<>();
    final Map<Path, List<Path>> filesIn = new HashMap<>();
    final Set<Path> changed = new HashSet<>();
    long files;
    long bytes;

    private Tree(String name, Path root) {
        this.name = name;
        this.root = root;
    }

    static Tree scan(String name, Path root) throws IOException {
        Tree t = new Tree(name, root);
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                t.dirs.add(root.relativize(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                if (a.isRegularFile()) {
                    Path rel = root.relativize(file);
                    Path parent = rel.getParent() == null ? root.relativize(root) : rel.getParent();
                    t.filesIn.computeIfAbsent(parent, k -> new ArrayList<>()).add(rel);
                    t.files++;
                    t.bytes += a.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        Collections.sort(t.dirs);
        t.filesIn.values().forEach(Collections::sort);
        return t;
    }

    /** Entries whose type or size differ between the tree (as it is now) and {@code other}, by path. */
    List<String> compareWith(Path other) throws IOException {
        Map<String, String> a = listing(root);
        Map<String, String> b = listing(other);
        List<String> diff = new ArrayList<>();
        for (Map.Entry<String, String> e : a.entrySet()) {
            String o = b.get(e.getKey());
            if (!e.getValue().equals(o)) {
                diff.add(e.getKey() + " (" + e.getValue() + " vs " + (o == null ? "missing" : o) + ")");
            }
        }
        for (String k : b.keySet()) {
            if (!a.containsKey(k)) {
                diff.add(k + " (only in the replica)");
            }
        }
        return diff;
    }

    private static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes a) {
                m.put(root.relativize(dir).toString(), "d");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                m.put(root.relativize(file).toString(), a.isRegularFile() ? "f " + a.size()
                        : a.isSymbolicLink() ? "l" : "o");
                return FileVisitResult.CONTINUE;
            }
        });
        return m;
    }
}
