package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache {@code bin/dirsync} keeps on JDK 25 and later: a first run starts a training run in the background
 * (which records; the run itself does not), the next assembles the cache and maps it, later runs map it; keyed by
 * the jar and the Java's build; never a line of the JVM's on stdout or stderr, never a failed run for it. Every
 * run here is followed by the end of any training it started ({@link LauncherTraining}). Needs a JDK 25: {@code dirsync.java25} (a Java home), else
 * /usr/lib/jvm/temurin-25-jdk-amd64; skipped without one. Whether a run mapped the cache is read from the JVM's own
 * class-loading log: dirsync's main class comes from "shared objects file" only then.
 */
class LauncherAotCacheIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String MAIN_FROM_CACHE = "dirsync.cli.Main source: shared objects file";
    private static final String CACHE = "dirsync-java2[5-9]-[0-9]+\\.aot";

    @TempDir
    static Path unpackRoot;
    private static UnpackedDist dist;
    private static Path java25;

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    private Path launcher;
    private Path cache;
    private Path classLog;

    @BeforeAll
    static void unpack() throws IOException {
        java25 = Path.of(System.getProperty("dirsync.java25", "/usr/lib/jvm/temurin-25-jdk-amd64"));
        Assumptions.assumeTrue(Files.isExecutable(java25.resolve("bin/java"))
                && Files.isRegularFile(java25.resolve("lib/server/classes.jsa")),
                () -> "no JDK 25 with a base CDS archive at " + java25 + " (set dirsync.java25 to a Java home)");
        dist = UnpackedDist.unpack(unpackRoot);
    }

    @BeforeEach
    void setUp() throws IOException {
        launcher = dist.launcher();
        cache = jar.tmp().resolve("cache");
        classLog = jar.tmp().resolve("classes.txt");
        Trees.at(jar.source()).file("a.txt", "alpha").file("docs/b.txt", "beta");
    }

    @Test
    void firstRunsTrainingRecordsAndTheSecondRunAssemblesTheCacheAndMapsIt() throws Exception {
        JarRuns.Finished first = once("first");
        assertThat(Files.readString(classLog)).as("no cache yet").doesNotContain(MAIN_FROM_CACHE);
        assertThat(names(cache)).as("the training's configuration, and nothing else of it")
                .singleElement().asString().matches(CACHE + "\\.conf");

        JarRuns.Finished second = once("second");

        assertThat(Files.readString(classLog)).as(second.describe()).contains(MAIN_FROM_CACHE);
        assertThat(names(cache)).singleElement().asString().matches(CACHE);
        assertThat(first.stdout() + second.stdout()).doesNotContain("AOT").doesNotContain("JAVA_TOOL_OPTIONS");
    }

    /** Recording costs a JVM about 65 MB at its exit (issue 25): the first run leaves that to the training. */
    @Test
    void firstRunsOwnJvmDoesNotRecord() throws Exception {
        List<String> command = new ArrayList<>(launcherOnce());
        command.remove("--once");
        command.set(command.size() - 2, "60");
        JarRuns.Running run = jar.start("periodic", command);
        JarRuns.await(TIMEOUT, "the first pass's summary line in the log", () -> JarRuns.lines(jar.logFile())
                .stream().anyMatch(line -> line.contains(" pass 1 finished: ")), run::describe);

        String jvm = Files.readString(Path.of("/proc", String.valueOf(run.process().pid()), "cmdline"))
                .replace('\0', ' ');
        assertThat(run.process().isAlive()).as("the run is alive after its command line was read").isTrue();
        run.process().destroy();
        run.awaitExit(TIMEOUT);
        LauncherTraining.awaitEnd(cache);

        assertThat(jvm).as("the first run's JVM").contains(" -jar ").doesNotContain("AOTMode");
        assertThat(names(cache)).as("what the training left").singleElement().asString().matches(CACHE + "\\.conf");
    }

    /** The training copies its own tree, with its lock and hash memory beside it, not in the user's places. */
    @Test
    void trainingKeepsItsHashMemoryOutOfTheUsersStateDirectory() throws Exception {
        Path state = jar.tmp().resolve("state");

        once("first", "XDG_STATE_HOME=" + state);

        assertThat(names(cache)).singleElement().asString().matches(CACHE + "\\.conf");
        assertThat(names(state.resolve("dirsync"))).as("the hash memories in the user's state directory")
                .filteredOn(name -> name.endsWith(".pairs")).hasSize(1);
    }

    @Test
    void laterRunsMapTheCacheWithoutMakingAnother() throws Exception {
        once("first");
        once("second");
        List<String> made = names(cache);
        assertThat(made).singleElement().asString().matches(CACHE);

        once("third");

        assertThat(Files.readString(classLog)).contains(MAIN_FROM_CACHE);
        assertThat(names(cache)).isEqualTo(made);
    }

    /** JDK-8377932: Temurin 25.0.3 served the classes of a cache made from an earlier jar of the same size and time. */
    @Test
    void aJarPutInPlaceWithTheSameSizeAndTimeDoesNotGetTheOldCache() throws Exception {
        Path home = copyOfTheInstall();
        once("first");
        once("second");
        String old = names(cache).get(0);
        Path installed = home.resolve("lib/dirsync.jar");
        Path replacement = jar.tmp().resolve("dirsync.jar");
        Files.copy(installed, replacement, StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(replacement, installed, StandardCopyOption.REPLACE_EXISTING);

        once("with the new jar");

        assertThat(Files.readString(classLog)).doesNotContain(MAIN_FROM_CACHE);
        assertThat(names(cache)).hasSize(2).contains(old)
                .anySatisfy(name -> assertThat(name).matches(CACHE + "\\.conf").doesNotStartWith(old));
    }

    /** A configuration cut short (damaged, the disk full): no cache from it, and no training again. */
    @Test
    void configurationCutShortMakesNoCacheAndIsNotRecordedAgain() throws Exception {
        once("first");
        Path conf = cache.resolve(names(cache).get(0));
        byte[] start = new byte[64 * 1024];
        try (var in = Files.newInputStream(conf)) {
            in.readNBytes(start, 0, start.length);
        }
        Files.write(conf, start);
        String cacheName = conf.getFileName().toString().replaceAll("\\.conf$", "");

        once("second");
        once("third");

        assertThat(Files.readString(classLog)).doesNotContain(MAIN_FROM_CACHE);
        assertThat(names(cache)).containsExactly(cacheName + ".failed");
    }

    /** What a run killed while it assembled leaves (its process gone) is removed, never mapped. */
    @Test
    void halfWrittenCacheOfARunThatIsGoneIsRemovedAndNotMapped() throws Exception {
        once("first");
        once("second");
        Path made = cache.resolve(names(cache).get(0));
        // A process id above the kernel's largest: that writer is surely gone.
        Path half = made.resolveSibling(made.getFileName() + ".4194999.tmp");
        byte[] start = new byte[1024 * 1024];
        try (var in = Files.newInputStream(made)) {
            in.readNBytes(start, 0, start.length);
        }
        Files.write(half, start);
        Files.delete(made);

        once("third");

        assertThat(Files.readString(classLog)).doesNotContain(MAIN_FROM_CACHE);
        assertThat(names(cache)).singleElement().asString().matches(CACHE + "\\.conf");
    }

    /** systemd's ProtectSystem=strict: a read-only bind mount, here in a user and mount namespace of its own. */
    @Test
    void readOnlyCacheDirectoryMeansNoCacheAndNoNoise() throws Exception {
        Files.createDirectories(cache);
        JarRuns.Finished probe = jar.run("unshare", TIMEOUT, List.of("unshare", "-rm", "true"));
        Assumptions.assumeTrue(probe.exitCode() == 0, () -> "no user namespaces here: " + probe.describe());

        for (String label : List.of("first", "second")) {
            List<String> command = new ArrayList<>(List.of("unshare", "-rm", "sh", "-c",
                    "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && shift && exec \"$@\"", "sh",
                    cache.toString()));
            command.addAll(launcherOnce());
            JarRuns.Finished run = jar.run(label, TIMEOUT, command);
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.stderr()).as(run.describe()).isEmpty();
            assertThat(run.stdout()).as(run.describe()).doesNotContain("AOT");
        }
        assertThat(names(cache)).isEmpty();
        assertThat(Files.readString(classLog)).doesNotContain(MAIN_FROM_CACHE);
        Trees.assertSameTree(jar.source(), jar.replica());
    }

    @Test
    void versionOrHelpRecordsNothing() throws Exception {
        for (String option : List.of("--version", "--help")) {
            JarRuns.Finished run = jar.run(option, TIMEOUT, List.of("env", "JAVA_HOME=" + java25,
                    "DIRSYNC_CACHE_DIR=" + cache, launcher.toString(), option));
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.stderr()).as(run.describe()).isEmpty();
        }

        assertThat(Files.exists(cache) ? names(cache) : List.of()).isEmpty();
    }

    @Test
    void runsStartedTogetherEachFinishAndTheNextMakesOneCache() throws Exception {
        List<JarRuns.Running> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(jar.start("together-" + i, List.of("env", "JAVA_HOME=" + java25, "DIRSYNC_CACHE_DIR=" + cache,
                    "DIRSYNC_JAVA_OPTS=-Xlog:class+load:file=" + classLog + "::filecount=0", launcher.toString(),
                    "--once",
                    jar.source().toString(), jar.tmp().resolve("replica-" + i).toString(), "1",
                    jar.tmp().resolve("log-" + i).toString())));
        }
        for (JarRuns.Running run : running) {
            JarRuns.Finished finished = run.awaitExit(TIMEOUT);
            assertThat(finished.exitCode()).as(finished.describe()).isZero();
            assertThat(finished.stderr()).as(finished.describe()).isEmpty();
        }
        LauncherTraining.awaitEnd(cache);

        once("after");

        assertThat(Files.readString(classLog)).contains(MAIN_FROM_CACHE);
        assertThat(names(cache)).singleElement().asString().matches(CACHE);
    }

    @Test
    void offMeansNoCache() throws Exception {
        once("first", "DIRSYNC_CDS=off");
        once("second", "DIRSYNC_CDS=off");

        assertThat(Files.readString(classLog)).doesNotContain(MAIN_FROM_CACHE);
        assertThat(cache).doesNotExist();
    }

    /** The unpacked install copied into this test's directory, so that its jar can be replaced. */
    private Path copyOfTheInstall() throws IOException {
        Path home = jar.tmp().resolve("install");
        try (Stream<Path> walk = Files.walk(dist.home())) {
            for (Path from : walk.toList()) {
                Files.copy(from, home.resolve(dist.home().relativize(from).toString()),
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        launcher = home.resolve("bin/dirsync");
        return home;
    }

    /** {@code bin/dirsync --once} on this test's tree: exit 0, nothing on stderr, the replica a mirror. */
    private JarRuns.Finished once(String label, String... environment) throws IOException {
        List<String> command = new ArrayList<>(List.of("env"));
        command.addAll(List.of(environment));
        command.addAll(launcherOnce());
        JarRuns.Finished run = jar.run(label, TIMEOUT, command);
        LauncherTraining.awaitEnd(cache);
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stderr()).as(run.describe()).isEmpty();
        Trees.assertSameTree(jar.source(), jar.replica());
        return run;
    }

    /** The launcher with JDK 25, this test's cache directory and a class-loading log (the same options each run).
     * {@code filecount=0}: the JVM keeps no older log by renaming it, which runs started together did under each
     * other ("Could not rename log file"). */
    private List<String> launcherOnce() {
        return List.of("env", "JAVA_HOME=" + java25, "DIRSYNC_CACHE_DIR=" + cache,
                "DIRSYNC_JAVA_OPTS=-Xlog:class+load:file=" + classLog + "::filecount=0", launcher.toString(), "--once",
                jar.source().toString(), jar.replica().toString(), "1", jar.logFile().toString());
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }
}
