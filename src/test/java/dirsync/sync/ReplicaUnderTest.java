package dirsync.sync;

import dirsync.fs.RelPath;
import dirsync.fs.ReplicaTree;
import dirsync.testing.MemoryTree;
import dirsync.testing.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The replica the behaviour suite ({@link SynchronizerTest}) runs against, whatever holds it: where a test lays it
 * out, the tree a pass writes it through, and how a test reads it back. A directory reached through any tree (a
 * local one on the platform or on jimfs, an SFTP one) or a {@link MemoryTree}: each subclass of the suite plugs in
 * one, and every behaviour is stated once for all.
 */
abstract class ReplicaUnderTest {

    /** Where a test lays out what the replica holds before a pass. */
    abstract Trees.Layout layout();

    /** The tree a pass writes through, asked for at each pass. */
    abstract ReplicaTree tree();

    /**
     * Every entry under {@code dir} ("." for the root) described as {@link Trees#snapshot} describes it, keyed by
     * its path below {@code dir}; empty if {@code dir} does not exist.
     */
    abstract Map<String, String> snapshot(String dir, Trees.Detail... more);

    /** The content of a regular file as UTF-8, or empty if there is no regular file at {@code relative}. */
    abstract Optional<String> text(String relative);

    /** The names in {@code dir}, or none if it does not exist; read while a pass may be changing them. */
    abstract List<String> names(String dir);

    /** Removes the replica, its root included: the next pass finds none. */
    abstract void remove();

    /** Whether the root exists. */
    final boolean exists() {
        return !snapshot(".").isEmpty();
    }

    /** The target a symbolic link at {@code relative} holds, or empty if there is no link there. */
    final Optional<String> linkTarget(String relative) {
        return Optional.ofNullable(snapshot(".").get(relative)).filter(entry -> entry.startsWith("symlink -> "))
                .map(entry -> entry.substring("symlink -> ".length()));
    }

    /** Every dirsync temporary file anywhere in the replica, by path. */
    final List<String> temporaryFiles() {
        return snapshot(".").keySet().stream()
                .filter(path -> path.substring(path.lastIndexOf('/') + 1).startsWith(".dirsync-")).toList();
    }

    /** A directory (of any provider) written through the tree {@code trees} makes of it. */
    static ReplicaUnderTest at(Path root, Function<Path, ReplicaTree> trees) {
        return new InDirectory(root, trees);
    }

    /** A {@link MemoryTree}, laid out and read through its own conveniences. */
    static ReplicaUnderTest inMemory() {
        return new InMemory(memory -> { });
    }

    /** The same, each tree set up by {@code tuned} first (its tuning, as a test of the core's ways needs it). */
    static ReplicaUnderTest inMemory(java.util.function.Consumer<MemoryTree> tuned) {
        return new InMemory(tuned);
    }

    private static final class InDirectory extends ReplicaUnderTest {
        private final Path root;
        private final Function<Path, ReplicaTree> trees;
        private final Trees.Builder layout;

        /** Creates the root, empty, as a replica directory made before the first pass. */
        InDirectory(Path root, Function<Path, ReplicaTree> trees) {
            this.root = root;
            this.trees = trees;
            this.layout = Trees.at(root);
        }

        @Override
        Trees.Layout layout() {
            return layout;
        }

        @Override
        ReplicaTree tree() {
            return trees.apply(root);
        }

        @Override
        Map<String, String> snapshot(String dir, Trees.Detail... more) {
            Path start = root.resolve(dir);
            return Files.exists(start, LinkOption.NOFOLLOW_LINKS) ? Trees.snapshot(start, more) : Map.of();
        }

        @Override
        Optional<String> text(String relative) {
            Path file = root.resolve(relative);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            try {
                return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        List<String> names(String dir) {
            try (Stream<Path> entries = Files.list(root.resolve(dir))) {
                return entries.map(entry -> entry.getFileName().toString()).toList();
            } catch (NoSuchFileException gone) {
                return List.of();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        void remove() {
            if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                Trees.deleteRecursively(root);
            }
        }
    }

    private static final class InMemory extends ReplicaUnderTest implements Trees.Layout {
        private final java.util.function.Consumer<MemoryTree> tuned;
        private MemoryTree memory;

        InMemory(java.util.function.Consumer<MemoryTree> tuned) {
            this.tuned = tuned;
            this.memory = MemoryTree.empty();
            tuned.accept(memory);
        }

        @Override
        Trees.Layout layout() {
            return this;
        }

        @Override
        ReplicaTree tree() {
            return memory;
        }

        @Override
        Map<String, String> snapshot(String dir, Trees.Detail... more) {
            Map<String, String> all = memory.snapshot();
            if (dir.equals(".")) {
                return all;
            }
            Map<String, String> below = new TreeMap<>();
            all.forEach((path, entry) -> {
                if (path.equals(dir)) {
                    below.put(".", entry);
                } else if (path.startsWith(dir + "/")) {
                    below.put(path.substring(dir.length() + 1), entry);
                }
            });
            return below;
        }

        @Override
        Optional<String> text(String relative) {
            if (!snapshot(".").getOrDefault(relative, "").startsWith("file ")) {
                return Optional.empty();
            }
            try (SeekableByteChannel channel = memory.open(RelPath.of(relative))) {
                ByteBuffer content = ByteBuffer.allocate((int) channel.size());
                while (content.hasRemaining() && channel.read(content) >= 0) {
                    // reads until full
                }
                return Optional.of(new String(content.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        List<String> names(String dir) {
            String prefix = dir.equals(".") ? "" : dir + "/";
            return memory.snapshot().keySet().stream()
                    .filter(path -> !path.equals(".") && path.startsWith(prefix)
                            && path.indexOf('/', prefix.length()) < 0)
                    .map(path -> path.substring(prefix.length())).toList();
        }

        @Override
        void remove() {
            memory = MemoryTree.withoutRoot();
            tuned.accept(memory);
        }

        @Override
        public Trees.Layout file(String relative, String content) {
            memory.file(relative, content);
            return this;
        }

        @Override
        public Trees.Layout dir(String relative) {
            memory.dir(relative);
            return this;
        }

        @Override
        public Trees.Layout link(String relative, String target) {
            memory.link(relative, target);
            return this;
        }

        @Override
        public Trees.Layout fifo(String relative) {
            throw new UnsupportedOperationException("a FIFO exists only on the platform's file system");
        }

        @Override
        public Trees.Layout mode(String relative, String permissions) {
            memory.mode(relative, permissions);
            return this;
        }

        @Override
        public Trees.Layout mtime(String relative, Instant time) {
            memory.mtime(relative, time);
            return this;
        }
    }
}
