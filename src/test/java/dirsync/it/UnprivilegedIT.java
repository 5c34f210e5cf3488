package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Permission errors, which root never meets: when the tests run as root (as in CI), dirsync runs as the
 * user nobody under setpriv(1) on a tree handed over to nobody; otherwise it runs as the current user.
 */
class UnprivilegedIT {

    private static final int NOBODY = 65534;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    private boolean root;

    /** As root: checks that nobody can run dirsync here, and has every command run it as nobody. */
    @BeforeEach
    void setUp() throws Exception {
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
        Path tmp = jar.tmp();
        for (Path parent = tmp.toRealPath().getParent(); parent != null; parent = parent.getParent()) {
            if (!Files.getPosixFilePermissions(parent).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                Assumptions.abort("user nobody cannot traverse " + parent + ", a parent of the temp dir " + tmp);
            }
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        // The jar may live where nobody cannot read (a home directory): give nobody its own copy.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path copy = Files.copy(DirsyncJar.jarFile(), bin.resolve("dirsync.jar"),
                StandardCopyOption.REPLACE_EXISTING);
        List<String> asUser = List.of(setpriv.toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups");
        List<String> probe = new ArrayList<>(asUser);
        probe.addAll(List.of(DirsyncJar.java(), "-version"));
        JarRuns.Finished probed = jar.run("probe", TIMEOUT, probe);
        if (probed.exitCode() != 0) {
            Assumptions.abort("cannot run java as user nobody under setpriv: " + probed.describe());
        }
        List<String> launcher = new ArrayList<>(asUser);
        launcher.addAll(List.of(DirsyncJar.java(), "-jar", copy.toString()));
        jar.launchWith(launcher);
    }

    @Test
    void unreadableFileIsLoggedAndCountedWhileTheOthersAreCopied() throws Exception {
        Trees.at(jar.source())
                .file("a.txt", "alpha")
                .file("secret.txt", "top secret")
                .file("z.txt", "zulu")
                .file("sub/b.txt", "beta");
        Map<String, String> expected = Trees.snapshot(jar.source());
        expected.remove("secret.txt");
        chmod(jar.source().resolve("secret.txt"), "---------");
        handOverToUser();

        JarRuns.Finished run = once();

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(Trees.snapshot(jar.replica())).as(run.describe()).containsExactlyEntriesOf(expected);
        List<String> log = JarRuns.lines(jar.logFile());
        assertThat(log).as(run.describe())
                .anySatisfy(line -> assertThat(line).contains(" ERROR cannot copy secret.txt"));
        assertThat(log).as(run.describe()).last().asString()
                .contains("pass 1 finished: ").contains(" errors=1 ").contains(" copied=3 ");
    }

    @Test
    void unlistableSourceDirectoryLeavesItsReplicaSubtreeAloneWhileTheRestSyncs() throws Exception {
        Trees.at(jar.source())
                .file("a.txt", "alpha")
                .file("locked/inside.txt", "the source's copy")
                .file("open/b.txt", "beta, current");
        Trees.at(jar.replica())
                .file("locked/old.txt", "the replica's old copy")
                .file("locked/deeper/x.txt", "x")
                .file("open/b.txt", "beta, outdated")
                .file("stale.txt", "gone from the source");
        Map<String, String> expected = withoutLocked(Trees.snapshot(jar.source()));
        Map<String, String> lockedBefore = Trees.snapshot(jar.replica().resolve("locked"));
        chmod(jar.source().resolve("locked"), "---------");
        handOverToUser();

        JarRuns.Finished run = once();

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(Trees.snapshot(jar.replica().resolve("locked")))
                .as("the replica's copy of the unlistable directory\n%s", run.describe())
                .containsExactlyEntriesOf(lockedBefore);
        assertThat(withoutLocked(Trees.snapshot(jar.replica()))).as("the rest of the replica\n%s", run.describe())
                .containsExactlyEntriesOf(expected);
        List<String> log = JarRuns.lines(jar.logFile());
        assertThat(log).as(run.describe())
                .anySatisfy(line -> assertThat(line).contains(" ERROR cannot list source directory locked"));
        assertThat(log).as(run.describe()).last().asString().contains("pass 1 finished: ").contains(" errors=1 ");
    }

    @Test
    void unlistableReplicaDirectoryIsReportedAndLeftAloneWhileTheRestSyncs() throws Exception {
        Trees.at(jar.source())
                .file("a.txt", "alpha")
                .file("locked/inside.txt", "the source's copy")
                .file("open/b.txt", "beta, current");
        Trees.at(jar.replica())
                .file("locked/old.txt", "the replica's old copy")
                .file("open/b.txt", "beta, outdated")
                .file("stale.txt", "gone from the source");
        Map<String, String> expected = withoutLocked(Trees.snapshot(jar.source()));
        chmod(jar.replica().resolve("locked"), "---------");
        // As root, the snapshot reads the locked directory all the same.
        Map<String, String> lockedBefore = Trees.snapshot(jar.replica().resolve("locked"));
        handOverToUser();

        JarRuns.Finished run = once();

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(Trees.snapshot(jar.replica().resolve("locked")))
                .as("the unlistable replica directory\n%s", run.describe()).containsExactlyEntriesOf(lockedBefore);
        assertThat(withoutLocked(Trees.snapshot(jar.replica()))).as("the rest of the replica\n%s", run.describe())
                .containsExactlyEntriesOf(expected);
        List<String> log = JarRuns.lines(jar.logFile());
        assertThat(log).as(run.describe())
                .anySatisfy(line -> assertThat(line).contains(" ERROR cannot list replica directory locked"));
        assertThat(log).as(run.describe()).last().asString().contains("pass 1 finished: ").contains(" errors=1 ");
    }

    @Test
    void unwritableLogDirectoryIsAUsageErrorThatTouchesNothing() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        Files.createDirectories(jar.logFile().getParent());
        handOverToUser();
        chmod(jar.logFile().getParent(), "r-xr-xr-x");

        JarRuns.Finished run = once();

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).as(run.describe())
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("dirsync: ").contains("log file"));
        assertThat(run.stderr()).as(run.describe()).doesNotContain("Exception", "\tat ");
        assertThat(jar.replica()).as(run.describe()).doesNotExist();
        assertThat(jar.logFile()).as(run.describe()).doesNotExist();
    }

    @Test
    void replicaUnderAnUnwritableDirectoryIsAUsageErrorThatTouchesNothing() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");
        Path readOnly = Files.createDirectories(jar.tmp().resolve("read-only"));
        Path replica = readOnly.resolve("replica");
        handOverToUser();
        chmod(readOnly, "r-xr-xr-x");

        JarRuns.Finished run = jar.run("once", TIMEOUT, jar.sync(jar.source(), replica, "1", jar.logFile(), "--once"));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).as(run.describe())
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("dirsync: replica ")
                        .contains("cannot be created", "is not writable"));
        assertThat(replica).as(run.describe()).doesNotExist();
        assertThat(jar.logFile()).as(run.describe()).doesNotExist();
    }

    /**
     * The replica mirrors permissions, read-only directories included; as a non-root user, dirsync must
     * still be able to delete such a subtree when the source no longer has it.
     */
    @Test
    void directoryRemovedFromTheSourceIsDeletedEvenWithReadOnlyDirectoriesInside() throws Exception {
        Trees.at(jar.source())
                .file("keep/k.txt", "kept")
                .file("gone/inner/g.txt", "going away")
                .mode("gone/inner", "r-xr-xr-x")
                .mode("gone", "r-xr-xr-x");
        handOverToUser();
        JarRuns.Finished first = once();
        assertThat(first.exitCode()).as(first.describe()).isZero();
        Trees.assertSameTree(jar.source(), jar.replica());
        chmod(jar.source().resolve("gone"), "rwxr-xr-x");
        chmod(jar.source().resolve("gone/inner"), "rwxr-xr-x");
        Files.delete(jar.source().resolve("gone/inner/g.txt"));
        Files.delete(jar.source().resolve("gone/inner"));
        Files.delete(jar.source().resolve("gone"));

        JarRuns.Finished second = once();

        assertThat(second.exitCode()).as(second.describe()).isZero();
        assertThat(JarRuns.lines(jar.logFile())).as(second.describe())
                .anySatisfy(line -> assertThat(line).contains("deleted directory gone"));
        Trees.assertSameTree(jar.source(), jar.replica());
    }

    @Test
    void aRootOwnedSetuidFileIsCopiedWithoutItsSetuidBitAndThePassSucceeds() throws Exception {
        Assumptions.assumeTrue(root, "only root can make a root-owned setuid file for user nobody to copy");
        Trees.at(jar.source()).file("a.txt", "alpha");
        handOverToUser();
        Trees.at(jar.source()).file("tool", "#!/bin/sh\n").modeBits("tool", 04755); // root's, after the hand-over

        JarRuns.Finished run = once();

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(jar.replica().resolve("tool")).as(run.describe()).hasContent("#!/bin/sh\n");
        assertThat(Trees.owners(jar.replica().resolve("tool"))).as(run.describe())
                .isEqualTo(" uid=" + NOBODY + " gid=" + NOBODY + " mode=0755");
        JarRuns.Finished again = once();
        assertThat(again.exitCode()).as(again.describe()).isZero();
        assertThat(JarRuns.lines(jar.logFile())).as(again.describe()).last().asString()
                .contains("pass 1 finished: ", " copied=0 ", " updated=0 ", " attributes=0 ", " errors=0 ");
    }

    private JarRuns.Finished once() throws IOException {
        return jar.run("once", TIMEOUT, jar.once());
    }

    /** As root: gives the whole temp tree to nobody, who will run dirsync (modes are left as they are). */
    private void handOverToUser() throws Exception {
        if (!root) {
            return;
        }
        Process chown = new ProcessBuilder("chown", "-R", NOBODY + ":" + NOBODY, jar.tmp().toString())
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
