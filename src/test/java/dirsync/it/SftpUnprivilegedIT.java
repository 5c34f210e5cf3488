package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The guard for a source subtree that cannot be read, with the replica on a real OpenSSH server: dirsync runs
 * as user nobody (root reads everything), the server's user is root as in the other tests.
 */
class SftpUnprivilegedIT {

    private static final int NOBODY = 65534;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    @Test
    void anUnlistableSourceDirectoryKeepsItsRemoteCounterpartWhileTheRestSyncs() throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        Assumptions.assumeTrue(Files.isExecutable(setpriv), "setpriv(1) is needed to run dirsync as nobody");
        Path remote = jar.tmp().resolve("remote/replica");
        Trees.at(jar.source()).file("a.txt", "alpha").file("locked/inside.txt", "the source's copy")
                .file("gone.txt", "deleted later");
        Path key = jar.tmp().resolve("key");
        Files.copy(sshd.clientKey(), key, StandardCopyOption.REPLACE_EXISTING);
        Path knownHosts = Files.copy(sshd.knownHosts(), jar.tmp().resolve("known_hosts"));
        Path bin = Files.copy(DirsyncJar.jarFile(), jar.tmp().resolve("dirsync.jar"));
        Path state = Files.createDirectories(jar.tmp().resolve("nobody-tmp")); // root's lock file is not nobody's
        List<String> options = List.of("--once", "--ssh-key", key.toString(), "--known-hosts", knownHosts.toString());
        JarRuns.Finished asRoot = jar.run("root", TIMEOUT, jar.sync(jar.source(), sshd.uri(remote), "1",
                jar.logFile(), options.toArray(String[]::new)));
        assertThat(asRoot.exitCode()).as(asRoot.describe()).isZero();
        Files.delete(jar.source().resolve("gone.txt"));
        Files.setPosixFilePermissions(jar.source().resolve("locked"), PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(jar.tmp(), PosixFilePermissions.fromString("rwxr-xr-x"));
        Process chown = new ProcessBuilder("chown", "-R", NOBODY + ":" + NOBODY, jar.source().toString(),
                key.toString(), knownHosts.toString(), bin.toString(), jar.logFile().getParent().toString(),
                state.toString())
                .redirectErrorStream(true).start();
        chown.getInputStream().readAllBytes();
        assertThat(chown.waitFor()).isZero();
        List<String> asNobody = new ArrayList<>(List.of(setpriv.toString(), "--reuid=" + NOBODY,
                "--regid=" + NOBODY, "--clear-groups", DirsyncJar.java(), "-Djava.io.tmpdir=" + state, "-jar",
                bin.toString()));
        asNobody.addAll(jar.sync(jar.source(), sshd.uri(remote), "1", jar.logFile(), options.toArray(String[]::new))
                .subList(3, 3 + options.size() + 4));

        JarRuns.Finished run = jar.run("nobody", TIMEOUT, asNobody);

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(1);
        assertThat(remote.resolve("locked/inside.txt")).as("kept: its source could not be read")
                .hasContent("the source's copy");
        assertThat(remote.resolve("gone.txt")).as("the rest syncs").doesNotExist();
        assertThat(JarRuns.readString(jar.logFile())).contains("cannot list source directory locked");
    }
}
