package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.JarProcess;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Permission errors, which root never meets: when the tests run as root (as in CI), dirsync runs as the
 * user nobody under setpriv(1) on a tree handed over to nobody; otherwise it runs as the current user.
 */
class UnprivilegedIT {

    private static final int NOBODY = 65534;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private JarRuns runs;
    private Path source;
    private Path replica;
    private Path logFile;
    /** What goes before {@code java}: empty, or setpriv and its arguments. */
    private final List<String> asUser = new ArrayList<>();
    private Path jar;
    private boolean root;

    @BeforeEach
    void setUp() throws Exception {
        runs = new JarRuns(tmp.resolve("output"));
        source = tmp.resolve("source");
        replica = tmp.resolve("replica");
        logFile = tmp.resolve("logs").resolve("dirsync.log");
        jar = JarProcess.jar();
        root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        if (!root) {
            return;
        }
        Path setpriv = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"), Path.of("/usr/sbin/setpriv"))
                .stream().filter(Files::isExecutable).findFirst().orElse(null);
        if (setpriv == null) {
            Assumptions.abort("running as root, and setpriv(1) (util-linux) is missing: root bypasses every "
                    + "permission check these tests are about, and there is no way to drop to user nobody");
        }
        for (Path parent = tmp.toRealPath().getParent(); parent != null; parent = parent.getParent()) {
            if (!Files.getPosixFilePermissions(parent).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                Assumptions.abort("user nobody cannot traverse " + parent + ", a parent of the temp dir " + tmp);
            }
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        // The jar may live where nobody cannot read (a home directory): give nobody its own copy.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        jar = Files.copy(jar, bin.resolve("dirsync.jar"), StandardCopyOption.REPLACE_EXISTING);
        asUser.addAll(List.of(setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        List<String> probe = new ArrayList<>(asUser);
        probe.addAll(List.of(JarProcess.java(), "-version"));
        JarRuns.Finished probed = runs.run("probe", TIMEOUT, probe);
        if (probed.exitCode() != 0) {
            Assumptions.abort("cannot run java as user nobody under setpriv: " + probed.describe());
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        runs.close();
        // Give the owner back every permission, so that the temp dir can be deleted whoever runs the tests.
        Process chmod = new ProcessBuilder("chmod", "-R", "u+rwX", tmp.toString()).inheritIO().start();
        if (!chmod.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            chmod.destroyForcibly();
        }
    }

    @Test
    void unreadableFileIsLoggedAndCountedWhileTheOthersAreCopied() throws Exception {
        Trees.at(source)
                .file("a.txt", "alpha")
                .file("secret.txt", "top secret")
                .file("z.txt", "zulu")
                .file("sub/b.txt", "beta");
        Map<String, String> expected = Trees.snapshot(source);
        expected.remove("secret.txt");
        chmod(source.resolve("secret.txt"), "---------");
        handOverToUser();

        JarRuns.Finished run = once();

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(Trees.snapshot(replica)).as(run.describe()).containsExactlyEntriesOf(expected);
        List<String> log = JarRuns.lines(logFile);
        assertThat(log).as(run.describe())
                .anySatisfy(line -> assertThat(line).contains("ERROR").contains("error: cannot copy secret.txt"));
        assertThat(log).as(run.describe()).last().asString()
                .contains("pass 1 finished: ").contains(" errors=1 ").contains(" copied=3 ");
    }

    @Test
    void unlistableSourceDirectoryLeavesItsReplicaSubtreeAloneWhileTheRestSyncs() throws Exception {
        Trees.at(source)
                .file("a.txt", "alpha")
                .file("locked/inside.txt", "the source's copy")
                .file("open/b.txt", "beta, current");
        Trees.at(replica)
                .file("locked/old.txt", "the replica's old copy")
                .file("locked/deeper/x.txt", "x")
                .file("open/b.txt", "beta, outdated")
                .file("stale.txt", "gone from the source");
        Map<String, String> expected = withoutLocked(Trees.snapshot(source));
        Map<String, String> lockedBefore = Trees.snapshot(replica.resolve("locked"));
        chmod(source.resolve("locked"), "---------");
        handOverToUser();

        JarRuns.Finished run = once();

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(Trees.snapshot(replica.resolve("locked")))
                .as("the replica's copy of the unlistable directory\n%s", run.describe())
                .containsExactlyEntriesOf(lockedBefore);
        assertThat(withoutLocked(Trees.snapshot(replica))).as("the rest of the replica\n%s", run.describe())
                .containsExactlyEntriesOf(expected);
        List<String> log = JarRuns.lines(logFile);
        assertThat(log).as(run.describe())
                .anySatisfy(line -> assertThat(line).contains("ERROR").contains("error: cannot list source directory locked"));
        assertThat(log).as(run.describe()).last().asString().contains("pass 1 finished: ").contains(" errors=1 ");
    }

    @Test
    void unlistableReplicaDirectoryIsReportedAndLeftAloneWhileTheRestSyncs() throws Exception {
        Trees.at(source)
                .file("a.txt", "alpha")
                .file("locked/inside.txt", "the source's copy")
                .file("open/b.txt", "beta, current");
        Trees.at(replica)
                .file("locked/old.txt", "the replica's old copy")
                .file("open/b.txt", "beta, outdated")
                .file("stale.txt", "gone from the source");
        Map<String, String> expected = withoutLocked(Trees.snapshot(source));
        chmod(replica.resolve("locked"), "---------");
        Map<String, String> lockedBefore = Trees.snapshot(replica.resolve("locked")); // root reads it all the same
        handOverToUser();

        JarRuns.Finished run = once();

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(Trees.snapshot(replica.resolve("locked")))
                .as("the unlistable replica directory\n%s", run.describe()).containsExactlyEntriesOf(lockedBefore);
        assertThat(withoutLocked(Trees.snapshot(replica))).as("the rest of the replica\n%s", run.describe())
                .containsExactlyEntriesOf(expected);
        List<String> log = JarRuns.lines(logFile);
        assertThat(log).as(run.describe())
                .anySatisfy(line -> assertThat(line).contains("ERROR").contains("error: cannot list replica directory locked"));
        assertThat(log).as(run.describe()).last().asString().contains("pass 1 finished: ").contains(" errors=1 ");
    }

    @Test
    void unwritableLogDirectoryIsAUsageErrorThatTouchesNothing() throws Exception {
        Trees.at(source).file("a.txt", "alpha");
        Files.createDirectories(logFile.getParent());
        handOverToUser();
        chmod(logFile.getParent(), "r-xr-xr-x");

        JarRuns.Finished run = once();

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).as(run.describe())
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("dirsync: ").contains("log file"));
        assertThat(run.stderr()).as(run.describe()).doesNotContain("Exception", "\tat ");
        assertThat(replica).as(run.describe()).doesNotExist();
        assertThat(logFile).as(run.describe()).doesNotExist();
    }

    @Test
    void replicaUnderAnUnwritableDirectoryIsAUsageErrorThatTouchesNothing() throws Exception {
        Trees.at(source).file("a.txt", "alpha");
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        replica = readOnly.resolve("replica");
        handOverToUser();
        chmod(readOnly, "r-xr-xr-x");

        JarRuns.Finished run = once();

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).as(run.describe())
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("dirsync: replica ")
                        .contains("cannot be created", "is not writable"));
        assertThat(replica).as(run.describe()).doesNotExist();
        assertThat(logFile).as(run.describe()).doesNotExist();
    }

    /**
     * The replica mirrors permissions, read-only directories included; as a non-root user, dirsync must
     * still be able to delete such a subtree when the source no longer has it.
     */
    @Test
    void directoryRemovedFromTheSourceIsDeletedEvenWithReadOnlyDirectoriesInside() throws Exception {
        Trees.at(source)
                .file("keep/k.txt", "kept")
                .file("gone/inner/g.txt", "going away")
                .mode("gone/inner", "r-xr-xr-x")
                .mode("gone", "r-xr-xr-x");
        handOverToUser();
        JarRuns.Finished first = once();
        assertThat(first.exitCode()).as(first.describe()).isZero();
        Trees.assertSameTree(source, replica);
        chmod(source.resolve("gone"), "rwxr-xr-x");
        chmod(source.resolve("gone/inner"), "rwxr-xr-x");
        Files.delete(source.resolve("gone/inner/g.txt"));
        Files.delete(source.resolve("gone/inner"));
        Files.delete(source.resolve("gone"));

        JarRuns.Finished second = once();

        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(JarRuns.lines(logFile)).as(second.describe())
                .anySatisfy(line -> assertThat(line).contains("deleted directory gone"));
        Trees.assertSameTree(source, replica);
    }

    private JarRuns.Finished once() throws IOException {
        List<String> command = new ArrayList<>(asUser);
        command.addAll(List.of(JarProcess.java(), "-jar", jar.toString(),
                "--once", source.toString(), replica.toString(), "1", logFile.toString()));
        return runs.run("once", TIMEOUT, command);
    }

    /** As root: gives the whole temp tree to nobody, who will run dirsync (modes are left as they are). */
    private void handOverToUser() throws Exception {
        if (!root) {
            return;
        }
        Process chown = new ProcessBuilder("chown", "-R", NOBODY + ":" + NOBODY, tmp.toString())
                .redirectErrorStream(true).start();
        String output = new String(chown.getInputStream().readAllBytes());
        assertThat(chown.waitFor()).as("chown -R: %s", output).isZero();
    }

    private static void chmod(Path path, String permissions) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
    }

    private static Map<String, String> withoutLocked(Map<String, String> snapshot) {
        snapshot.keySet().removeIf(name -> name.equals("locked") || name.startsWith("locked/"));
        return snapshot;
    }
}
