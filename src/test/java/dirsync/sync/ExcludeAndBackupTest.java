package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.testing.Trees;
import dirsync.testing.TwoTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Choosing what to mirror (excludes) and never losing what the mirror removes (backups). */
class ExcludeAndBackupTest {

    @RegisterExtension
    final TwoTrees trees = new TwoTrees();

    Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private Path backups() {
        return trees.temp().resolve("backups");
    }

    private static SyncOptions excluding(boolean deleteExcluded, String... patterns) {
        return SyncOptions.defaults().withExcludes(Excludes.of(List.of(patterns)), deleteExcluded);
    }

    @Test
    void excludedEntriesAreNeitherCopiedNorDeleted() {
        trees.src().file("keep.c", "c").file("skip.o", "o").file("node_modules/x/index.js", "js")
                .file("sub/deep.o", "o");
        trees.rep().file("old.o", "replica's own build output").file("node_modules/y", "replica's own");

        PassSummary summary = trees.sync(excluding(false, "*.o", "node_modules/"));

        assertThat(summary.errors()).isZero();
        assertThat(trees.replica().resolve("keep.c")).hasContent("c");
        assertThat(trees.replica().resolve("skip.o")).doesNotExist();
        assertThat(trees.replica().resolve("sub/deep.o")).doesNotExist();
        assertThat(trees.replica().resolve("node_modules/x")).doesNotExist();
        assertThat(trees.replica().resolve("old.o")).hasContent("replica's own build output");
        assertThat(trees.replica().resolve("node_modules/y")).hasContent("replica's own");
    }

    @Test
    void deleteExcludedRemovesWhatTheReplicaHoldsAtExcludedPaths() {
        trees.src().file("keep.c", "c").file("skip.o", "o");
        trees.rep().file("old.o", "o").file("node_modules/y", "y");

        trees.sync(excluding(true, "*.o", "node_modules/"));

        assertThat(trees.replica().resolve("old.o")).doesNotExist();
        assertThat(trees.replica().resolve("node_modules")).doesNotExist();
        assertThat(trees.replica().resolve("skip.o")).doesNotExist();
        assertThat(trees.replica().resolve("keep.c")).hasContent("c");
    }

    @Test
    void anAnchoredPatternExcludesOnlyAtTheTop() {
        trees.src().file("build/a", "top").file("lib/build/b", "nested");

        trees.sync(excluding(false, "/build"));

        assertThat(trees.replica().resolve("build")).doesNotExist();
        assertThat(trees.replica().resolve("lib/build/b")).hasContent("nested");
    }

    @Test
    void aDeletedFileIsMovedToThePassesBackupDirectory() throws IOException {
        trees.src().file("keep", "k");
        trees.rep().file("keep", "k").file("gone/old.txt", "precious");

        PassSummary summary = trees.sync(SyncOptions.defaults().withBackupDir(backups()));

        assertThat(summary.count(Operation.DELETED_DIRECTORY)).isEqualTo(1);
        assertThat(trees.replica().resolve("gone")).doesNotExist();
        assertThat(onlyPassDirectory().resolve("gone/old.txt")).hasContent("precious");
    }

    @Test
    void anOverwrittenFileKeepsItsOldVersionInTheBackup() throws IOException {
        trees.src().file("doc.txt", "new version, longer");
        trees.rep().file("doc.txt", "old version");

        trees.sync(SyncOptions.defaults().withBackupDir(backups()));

        assertThat(trees.replica().resolve("doc.txt")).hasContent("new version, longer");
        assertThat(onlyPassDirectory().resolve("doc.txt")).hasContent("old version");
    }

    @Test
    void aReplacedDirectoryGoesToTheBackupWhole() throws IOException {
        trees.src().file("x", "now a file");
        trees.rep().file("x/a", "a").file("x/b/c", "c").link("x/l", "a");
        Map<String, String> before = Trees.snapshot(trees.replica().resolve("x"));

        trees.sync(SyncOptions.defaults().withBackupDir(backups()));

        assertThat(trees.replica().resolve("x")).hasContent("now a file");
        assertThat(Trees.snapshot(onlyPassDirectory().resolve("x"))).isEqualTo(before);
    }

    @Test
    void eachPassKeepsItsOwnBackupDirectory() throws IOException {
        trees.src().file("f", "v2");
        trees.rep().file("f", "v1");
        trees.sync(SyncOptions.defaults().withBackupDir(backups()));
        trees.src().file("f", "v3!");

        trees.sync(SyncOptions.defaults().withBackupDir(backups()));

        try (Stream<Path> passes = Files.list(backups())) {
            assertThat(passes.sorted().map(pass -> content(pass.resolve("f"))).toList()).containsExactly("v1", "v2");
        }
    }

    @Test
    void aBackupOnAnotherFileSystemIsCopiedThenDeleted() throws Exception {
        mountTmpfsAt(backups());
        trees.src().file("keep", "k");
        trees.rep().file("keep", "k").file("gone/a", "precious").link("gone/l", "a").file("updated", "old");
        trees.src().file("updated", "new!");
        Map<String, String> goneBefore = Trees.snapshot(trees.replica().resolve("gone"));

        PassSummary summary = trees.sync(SyncOptions.defaults().withBackupDir(backups()));

        assertThat(summary.errors()).isZero();
        trees.assertSame();
        assertThat(Trees.snapshot(onlyPassDirectory().resolve("gone"))).isEqualTo(goneBefore);
        assertThat(onlyPassDirectory().resolve("updated")).hasContent("old");
    }

    @Test
    void aDryRunWithABackupDirectoryWritesNoBackup() {
        trees.src().file("keep", "k");
        trees.rep().file("gone", "g");

        Mirrors.dryRun(trees.source(), trees.replica(), SyncOptions.defaults().withBackupDir(backups()))
                .runPass(Cancellation.NEVER);

        assertThat(backups()).doesNotExist();
        assertThat(trees.replica().resolve("gone")).exists();
    }

    private Path onlyPassDirectory() throws IOException {
        try (Stream<Path> passes = Files.list(backups())) {
            List<Path> all = passes.toList();
            assertThat(all).hasSize(1);
            assertThat(all.get(0).getFileName().toString()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3}Z");
            return all.get(0);
        }
    }

    private static String content(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void mountTmpfsAt(Path dir) throws Exception {
        Files.createDirectories(dir);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        Assumptions.assumeTrue(mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN): " + output.strip());
        mounted = dir;
    }
}
