package dirsync.sync;

import static dirsync.testing.Trees.assertSameTree;
import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing what to mirror (excludes) and never losing what the mirror removes (backups). */
class ExcludeAndBackupTest {

    @TempDir
    Path temp;

    Path source;
    Path replica;
    Path backups;
    Trees.Builder src;
    Trees.Builder rep;
    Path mounted;

    @BeforeEach
    void layOut() {
        src = Trees.at(temp.resolve("source"));
        rep = Trees.at(temp.resolve("replica"));
        source = src.root();
        replica = rep.root();
        backups = temp.resolve("backups");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private PassSummary sync(SyncOptions options) {
        return Mirrors.of(source, replica, options).runPass(Cancellation.NEVER);
    }

    private static SyncOptions excluding(boolean deleteExcluded, String... patterns) {
        return SyncOptions.defaults().withExcludes(Excludes.of(List.of(patterns)), deleteExcluded);
    }

    @Test
    void excludedEntriesAreNeitherCopiedNorDeleted() {
        src.file("keep.c", "c").file("skip.o", "o").file("node_modules/x/index.js", "js").file("sub/deep.o", "o");
        rep.file("old.o", "replica's own build output").file("node_modules/y", "replica's own");

        PassSummary summary = sync(excluding(false, "*.o", "node_modules/"));

        assertThat(summary.errors()).isZero();
        assertThat(replica.resolve("keep.c")).hasContent("c");
        assertThat(replica.resolve("skip.o")).doesNotExist();
        assertThat(replica.resolve("sub/deep.o")).doesNotExist();
        assertThat(replica.resolve("node_modules/x")).doesNotExist();
        assertThat(replica.resolve("old.o")).hasContent("replica's own build output");
        assertThat(replica.resolve("node_modules/y")).hasContent("replica's own");
    }

    @Test
    void deleteExcludedRemovesWhatTheReplicaHoldsAtExcludedPaths() {
        src.file("keep.c", "c").file("skip.o", "o");
        rep.file("old.o", "o").file("node_modules/y", "y");

        sync(excluding(true, "*.o", "node_modules/"));

        assertThat(replica.resolve("old.o")).doesNotExist();
        assertThat(replica.resolve("node_modules")).doesNotExist();
        assertThat(replica.resolve("skip.o")).doesNotExist();
        assertThat(replica.resolve("keep.c")).hasContent("c");
    }

    @Test
    void anAnchoredPatternExcludesOnlyAtTheTop() {
        src.file("build/a", "top").file("lib/build/b", "nested");

        sync(excluding(false, "/build"));

        assertThat(replica.resolve("build")).doesNotExist();
        assertThat(replica.resolve("lib/build/b")).hasContent("nested");
    }

    @Test
    void aDeletedFileIsMovedToThePassesBackupDirectory() throws IOException {
        src.file("keep", "k");
        rep.file("keep", "k").file("gone/old.txt", "precious");

        PassSummary summary = sync(SyncOptions.defaults().withBackupDir(backups));

        assertThat(summary.count(Operation.DELETED_DIRECTORY)).isEqualTo(1);
        assertThat(replica.resolve("gone")).doesNotExist();
        assertThat(onlyPassDirectory().resolve("gone/old.txt")).hasContent("precious");
    }

    @Test
    void anOverwrittenFileKeepsItsOldVersionInTheBackup() throws IOException {
        src.file("doc.txt", "new version, longer");
        rep.file("doc.txt", "old version");

        sync(SyncOptions.defaults().withBackupDir(backups));

        assertThat(replica.resolve("doc.txt")).hasContent("new version, longer");
        assertThat(onlyPassDirectory().resolve("doc.txt")).hasContent("old version");
    }

    @Test
    void aReplacedDirectoryGoesToTheBackupWhole() throws IOException {
        src.file("x", "now a file");
        rep.file("x/a", "a").file("x/b/c", "c").link("x/l", "a");
        Map<String, String> before = Trees.snapshot(replica.resolve("x"));

        sync(SyncOptions.defaults().withBackupDir(backups));

        assertThat(replica.resolve("x")).hasContent("now a file");
        assertThat(Trees.snapshot(onlyPassDirectory().resolve("x"))).isEqualTo(before);
    }

    @Test
    void eachPassKeepsItsOwnBackupDirectory() throws IOException {
        src.file("f", "v2");
        rep.file("f", "v1");
        sync(SyncOptions.defaults().withBackupDir(backups));
        src.file("f", "v3!");

        sync(SyncOptions.defaults().withBackupDir(backups));

        try (Stream<Path> passes = Files.list(backups)) {
            assertThat(passes.sorted().map(pass -> content(pass.resolve("f"))).toList()).containsExactly("v1", "v2");
        }
    }

    @Test
    void aBackupOnAnotherFileSystemIsCopiedThenDeleted() throws Exception {
        mountTmpfsAt(backups);
        src.file("keep", "k");
        rep.file("keep", "k").file("gone/a", "precious").link("gone/l", "a").file("updated", "old");
        src.file("updated", "new!");
        Map<String, String> goneBefore = Trees.snapshot(replica.resolve("gone"));

        PassSummary summary = sync(SyncOptions.defaults().withBackupDir(backups));

        assertThat(summary.errors()).isZero();
        assertSameTree(source, replica);
        assertThat(Trees.snapshot(onlyPassDirectory().resolve("gone"))).isEqualTo(goneBefore);
        assertThat(onlyPassDirectory().resolve("updated")).hasContent("old");
    }

    @Test
    void aDryRunWithABackupDirectoryWritesNoBackup() {
        src.file("keep", "k");
        rep.file("gone", "g");

        Mirrors.dryRun(source, replica, SyncOptions.defaults().withBackupDir(backups)).runPass(Cancellation.NEVER);

        assertThat(backups).doesNotExist();
        assertThat(replica.resolve("gone")).exists();
    }

    private Path onlyPassDirectory() throws IOException {
        try (Stream<Path> passes = Files.list(backups)) {
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
