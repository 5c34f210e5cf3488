package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dirsync.testing.Trees;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The warning at the kernel's limit on inotify watches, from the built jar, at a real limit. dirsync runs in a
 * user namespace of its own ({@code unshare --user --map-root-user}) whose own limit,
 * {@code user.max_inotify_watches}, is set to 20 there: the kernel enforces it like the system-wide
 * {@code fs.inotify.max_user_watches}, which this test leaves alone (other processes on the machine share that
 * one). Skipped where user namespaces cannot be made.
 */
class WatchLimitIT {

    private static final int LIMIT = 20;
    private static final String LOWER_THE_LIMIT = "echo " + LIMIT + " > /proc/sys/user/max_inotify_watches";

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @Test
    void atTheWatchLimitTheWarningGivesTheRealLimitAndAValueThatCoversTheTree() throws Exception {
        assumeTrue(userNamespaceWithItsOwnLimit(), "cannot make a user namespace and set its inotify limit here");
        Trees.Builder source = Trees.at(jar.source());
        for (int i = 0; i < 59; i++) {
            source.file("d" + i + "/f", "x"); // with the root, 60 directories
        }
        jar.launchWith(List.of("unshare", "--user", "--map-root-user", "sh", "-c", LOWER_THE_LIMIT
                + " && exec \"$@\"", "sh", DirsyncJar.java(), "-jar", DirsyncJar.jarFile().toString()));
        JarRuns.Running dirsync = jar.start("watch", jar.periodic(3600, "--watch"));

        JarRuns.await(Duration.ofSeconds(60), "the warning",
                () -> JarRuns.readString(jar.logFile()).contains("cannot watch"), dirsync::describe);

        assertThat(JarRuns.lines(jar.logFile())).filteredOn(line -> line.contains("cannot watch")).singleElement()
                .asString().contains("WARN  cannot watch 40 of 60 source directories: the kernel's limit "
                                + "user.max_inotify_watches=20 of this user namespace is reached",
                        "Changes in them wait for the full pass every 3600 s",
                        "sysctl -w user.max_inotify_watches=75 (at least 60: the 20 in use plus 40;");
        dirsync.process().destroy();
        assertThat(dirsync.awaitExit(Duration.ofSeconds(20)).exitCode()).isZero();
    }

    private static boolean userNamespaceWithItsOwnLimit() throws IOException, InterruptedException {
        Process probe;
        try {
            probe = new ProcessBuilder("unshare", "--user", "--map-root-user", "sh", "-c", LOWER_THE_LIMIT)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException noUnshare) {
            return false;
        }
        return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
    }
}
