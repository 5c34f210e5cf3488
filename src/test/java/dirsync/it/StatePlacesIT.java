package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.app.StateFiles;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the jar keeps its files about a replica, as README says: the lock in java.io.tmpdir, removed when the run
 * ends; the hash memory in $STATE_DIRECTORY (systemd's StateDirectory=), else $XDG_STATE_HOME/dirsync; both in a
 * java.io.tmpdir of the runs' own.
 */
class StatePlacesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @BeforeEach
    void setUp() {
        Trees.at(jar.source()).file("a.txt", "alpha");
    }

    @Test
    void aOnceRunKeepsItsHashMemoryInXdgStateHomeAndRemovesItsLockFromTmp() throws Exception {
        JarRuns.Finished run = jar.run("once", TIMEOUT, jar.once());

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(names(jar.stateHome().resolve("dirsync"))).singleElement().asString().matches(
                "dirsync-[0-9a-f]{16}\\.pairs");
        assertThat(new StateFiles(Path.of("/tmp"), jar.replica().toRealPath()).lockFile()).doesNotExist();
    }

    @Test
    void underSystemdTheHashMemoryIsInItsStateDirectory() throws Exception {
        Path stateDirectory = Files.createDirectories(jar.tmp().resolve("var-lib-dirsync"));
        List<String> command = new ArrayList<>(List.of("env", "STATE_DIRECTORY=" + stateDirectory));
        command.addAll(jar.once());

        JarRuns.Finished run = jar.run("once", TIMEOUT, command);

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(names(stateDirectory)).singleElement().asString().matches("dirsync-[0-9a-f]{16}\\.pairs");
        assertThat(jar.stateHome()).doesNotExist();
    }

    @Test
    void runsGivenAJavaIoTmpdirOfTheirOwnKeepEverythingThere() throws Exception {
        Path own = ownTmpdir();

        JarRuns.Finished run = jar.run("once", TIMEOUT, jar.once());

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(names(own)).as("the memory, and no lock left").singleElement().asString()
                .matches("dirsync-[0-9a-f]{16}\\.pairs");
        assertThat(jar.stateHome()).doesNotExist();
    }

    @Test
    void aPeriodicRunStoppedWithSigtermRemovesItsLockFile() throws Exception {
        Path locks = ownTmpdir();
        JarRuns.Running running = jar.start("periodic", jar.periodic(1));
        JarRuns.await(TIMEOUT, "the first pass", () -> JarRuns.readString(jar.logFile()).contains("pass 1 finished"),
                running::describe);
        assertThat(names(locks)).as("held while it runs").singleElement().asString().endsWith(".lock");

        running.process().destroy(); // SIGTERM

        assertThat(running.awaitExit(TIMEOUT).exitCode()).isZero();
        assertThat(names(locks)).noneMatch(name -> name.endsWith(".lock"));
    }

    /** From now on the runs get {@code -Djava.io.tmpdir=} a new directory of their own, which is returned. */
    private Path ownTmpdir() throws IOException {
        Path own = Files.createDirectories(jar.tmp().resolve("own-tmp"));
        jar.launchWith(List.of(DirsyncJar.java(), "-Djava.io.tmpdir=" + own, "-jar", DirsyncJar.jarFile().toString()));
        return own;
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
