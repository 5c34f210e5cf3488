package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * How {@code bin/dirsync} of the unpacked distribution starts Java: the version from the release file of the Java's
 * home (no JVM started to ask it), {@code java -version} only without one; and the class-data-sharing archive it
 * has the first run write and the later runs map, which must never cost a run its exit code or a line on stderr.
 * Whether a run mapped the archive is read from the JVM's own class-loading log (dirsync's main class comes from
 * "shared objects file (top)", the dynamic archive, only then).
 */
class LauncherStartIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String MAIN_SHARED = "dirsync.cli.Main source: shared objects file (top)";

    @TempDir
    static Path unpackRoot;
    private static UnpackedDist dist;

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    private Path cache;
    private Path classLog;

    @BeforeAll
    static void unpack() throws IOException {
        dist = UnpackedDist.unpack(unpackRoot);
    }

    @BeforeEach
    void setUp() throws IOException {
        cache = jar.tmp().resolve("cache");
        classLog = jar.tmp().resolve("classes.txt");
        Trees.at(jar.source()).file("a.txt", "alpha").file("docs/b.txt", "beta").link("latest", "a.txt");
    }

    @Test
    void versionComesFromTheReleaseFileWithoutStartingJavaToAskIt() throws Exception {
        Path calls = jar.tmp().resolve("java.calls");
        Path fakeHome = recordingJava(jar.tmp().resolve("fake-jdk"), "JAVA_VERSION=\"21.0.1\"", calls);

        JarRuns.Finished run = versionWith("release-21", fakeHome);

        assertThat(run.exitCode()).as(run.describe()).isZero();
        // One start of java, with the jar; and no sharing options for a Java without a base archive.
        assertThat(Files.readAllLines(calls)).as(run.describe()).containsExactly(
                "-XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -jar "
                        + dist.home().resolve("lib/dirsync.jar") + " --version");
    }

    @Test
    void aOnceRunStartsWithTheLargerHeapAndARunThatStaysOrSizesItsOwnHeapWithTheSmallerOne() throws Exception {
        Path calls = jar.tmp().resolve("java.calls");
        Path fakeHome = recordingJava(jar.tmp().resolve("fake-jdk"), "JAVA_VERSION=\"21.0.1\"", calls);
        String jarPath = dist.home().resolve("lib/dirsync.jar").toString();

        for (List<String> arguments : List.of(List.of("--once", "s", "r", "1", "l"), List.of("s", "r", "1", "l"),
                List.of("--", "--once", "r", "1", "l"), List.of("DIRSYNC_JAVA_OPTS=-Xmx32m", "--once", "s"))) {
            List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + fakeHome, "DIRSYNC_CACHE_DIR=" + cache));
            command.addAll(arguments.get(0).startsWith("DIRSYNC") ? arguments.subList(0, 1) : List.of());
            command.add(dist.launcher().toString());
            command.addAll(arguments.get(0).startsWith("DIRSYNC") ? arguments.subList(1, arguments.size()) : arguments);
            JarRuns.Finished run = jar.run("heap", TIMEOUT, command);
            assertThat(run.exitCode()).as(run.describe()).isZero();
        }

        assertThat(Files.readAllLines(calls)).containsExactly(
                "-XX:+UseSerialGC -Xms64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -jar " + jarPath
                        + " --once s r 1 l",
                "-XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -jar " + jarPath
                        + " s r 1 l",
                "-XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -jar " + jarPath
                        + " -- --once r 1 l",
                "-XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xmx32m -jar " + jarPath
                        + " --once s");
    }

    @Test
    void onJava25ARunThatStaysGetsASixteenMegabyteYoungGenerationInA24MegabyteHeapUnlessTheUserSizesTheHeap() throws Exception {
        Path calls = jar.tmp().resolve("java.calls");
        Path fakeHome = recordingJava(jar.tmp().resolve("fake-jdk"), "JAVA_VERSION=\"25.0.3\"", calls);

        for (List<String> arguments : List.of(List.of("s", "r", "1", "l"), List.of("--once", "s", "r", "1", "l"),
                List.of("DIRSYNC_JAVA_OPTS=-Xmx32m", "s", "r", "1", "l"))) {
            List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + fakeHome, "DIRSYNC_CACHE_DIR=" + cache,
                    "DIRSYNC_CDS=off"));
            command.addAll(arguments.get(0).startsWith("DIRSYNC") ? arguments.subList(0, 1) : List.of());
            command.add(dist.launcher().toString());
            command.addAll(arguments.get(0).startsWith("DIRSYNC") ? arguments.subList(1, arguments.size()) : arguments);
            JarRuns.Finished run = jar.run("young", TIMEOUT, command);
            assertThat(run.exitCode()).as(run.describe()).isZero();
        }

        String jarPath = dist.home().resolve("lib/dirsync.jar").toString();
        assertThat(Files.readAllLines(calls)).containsExactly(
                "-XX:+UseSerialGC -Xms24m -Xmn16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -jar " + jarPath
                        + " s r 1 l",
                "-XX:+UseSerialGC -Xms64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -jar " + jarPath
                        + " --once s r 1 l",
                "-XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 -Xmx32m -jar " + jarPath
                        + " s r 1 l");
    }

    @Test
    void oldJavaIsRefusedFromItsReleaseFileThroughTheJavaOnPath() throws Exception {
        Path calls = jar.tmp().resolve("java.calls");
        // Its -version would claim 21: only the release file can make it refused.
        Path fakeHome = recordingJava(jar.tmp().resolve("fake-jdk"), "JAVA_VERSION=\"11.0.2\"", calls);
        Path pathDir = Files.createDirectories(jar.tmp().resolve("path"));
        Files.createSymbolicLink(pathDir.resolve("java"), fakeHome.resolve("bin/java"));

        JarRuns.Finished run = jar.run("release-11", TIMEOUT, List.of("env", "-u", "JAVA_HOME",
                "PATH=" + pathDir + ":/usr/bin:/bin", dist.launcher().toString(), "--version"));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).as(run.describe()).containsExactly(
                "dirsync: needs Java 17 or newer, found 11.0.2 at " + pathDir.resolve("java"));
        assertThat(calls).as("java is never started").doesNotExist();
    }

    @Test
    void releaseFileWithoutAVersionFallsBackToJavaVersion() throws Exception {
        Path calls = jar.tmp().resolve("java.calls");
        Path fakeHome = recordingJava(jar.tmp().resolve("fake-jdk"), "IMPLEMENTOR=\"Nobody\"", calls);

        JarRuns.Finished run = versionWith("release-none", fakeHome);

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(Files.readAllLines(calls)).as(run.describe()).hasSize(2).first().isEqualTo("-version");
    }

    @Test
    void aHotSpotServerVmKeepsC2ForTheDigestsAndCiphersAloneThroughTheShippedDirectives() throws Exception {
        Path calls = jar.tmp().resolve("java.calls");
        Path fakeHome = recordingJava(jar.tmp().resolve("fake-jdk"), "JAVA_VERSION=\"21.0.1\"", calls);
        Files.createFile(Files.createDirectories(fakeHome.resolve("lib/server")).resolve("libjvm.so"));

        JarRuns.Finished run = versionWith("jit", fakeHome);

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(Files.readAllLines(calls)).as(run.describe()).containsExactly(
                "-XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 "
                        + "-XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile="
                        + dist.home().resolve("lib/jit-directives.json") + " -XX:-DisplayVMOutput -jar "
                        + dist.home().resolve("lib/dirsync.jar") + " --version");
        assertThat(dist.home().resolve("lib/jit-directives.json")).content()
                .contains("sun/security/provider/MD5", "com/sun/crypto/provider/");
    }

    @Test
    void jitOffOrAJitOptionOfTheUsersLeavesTheJvmsOwnChoice() throws Exception {
        Path calls = jar.tmp().resolve("java.calls");
        Path fakeHome = recordingJava(jar.tmp().resolve("fake-jdk"), "JAVA_VERSION=\"21.0.1\"", calls);
        Files.createFile(Files.createDirectories(fakeHome.resolve("lib/server")).resolve("libjvm.so"));

        versionWith("jit-off", fakeHome, "DIRSYNC_JIT=off");
        versionWith("jit-users", fakeHome, "DIRSYNC_JAVA_OPTS=-XX:TieredStopAtLevel=1");

        assertThat(Files.readAllLines(calls)).hasSize(2).noneMatch(line -> line.contains("CompilerDirectivesFile"));
    }

    @Test
    void aOnceRunWithALocalReplicaGetsTheFirstTierCompilerAloneUnlessItIsToHashEverything() throws Exception {
        Path calls = jar.tmp().resolve("java.calls");
        Path fakeHome = recordingJava(jar.tmp().resolve("fake-jdk"), "JAVA_VERSION=\"21.0.1\"", calls);
        Files.createFile(Files.createDirectories(fakeHome.resolve("lib/server")).resolve("libjvm.so"));
        String jarPath = dist.home().resolve("lib/dirsync.jar").toString();
        String directives = "-XX:+UnlockDiagnosticVMOptions -XX:CompilerDirectivesFile="
                + dist.home().resolve("lib/jit-directives.json") + " -XX:-DisplayVMOutput";

        for (List<String> arguments : List.of(List.of("--once", "s", "r", "1", "l"),
                List.of("--once", "--no-hash-cache", "s", "r", "1", "l"), List.of("--no-hash-cache", "--once", "s"),
                List.of("--compare", "quick", "--once", "s"), List.of("--once", "s", "sftp://h/r", "1", "l"))) {
            List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + fakeHome, "DIRSYNC_CDS=off",
                    dist.launcher().toString()));
            command.addAll(arguments);
            JarRuns.Finished run = jar.run("once-jit", TIMEOUT, command);
            assertThat(run.exitCode()).as(run.describe()).isZero();
        }

        String once = "-XX:+UseSerialGC -Xms64m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30 ";
        assertThat(Files.readAllLines(calls)).containsExactly(
                once + "-XX:TieredStopAtLevel=1 -jar " + jarPath + " --once s r 1 l",
                once + directives + " -jar " + jarPath + " --once --no-hash-cache s r 1 l",
                once + directives + " -jar " + jarPath + " --no-hash-cache --once s",
                once + "-XX:TieredStopAtLevel=1 -jar " + jarPath + " --compare quick --once s",
                once + directives + " -jar " + jarPath + " --once s sftp://h/r 1 l");
    }

    @Test
    void aOnceRunWithAnObjectStoreReplicaGetsTheFirstTierAloneUnlessItIsToHashEverything() throws Exception {
        Path calls = jar.tmp().resolve("java.calls");
        Path fakeHome = recordingJava(jar.tmp().resolve("fake-jdk"), "JAVA_VERSION=\"21.0.1\"", calls);
        Files.createFile(Files.createDirectories(fakeHome.resolve("lib/server")).resolve("libjvm.so"));

        for (List<String> arguments : List.of(List.of("--once", "s", "s3://bucket/r", "1", "l"),
                List.of("--once", "--no-hash-cache", "s", "s3://bucket/r", "1", "l"))) {
            List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + fakeHome, "DIRSYNC_CDS=off",
                    dist.launcher().toString()));
            command.addAll(arguments);
            JarRuns.Finished run = jar.run("once-s3-jit", TIMEOUT, command);
            assertThat(run.exitCode()).as(run.describe()).isZero();
        }

        String directives = "-XX:CompilerDirectivesFile=" + dist.home().resolve("lib/jit-directives.json");
        List<String> lines = Files.readAllLines(calls);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("-XX:TieredStopAtLevel=1").doesNotContain(directives)
                .endsWith(" --once s s3://bucket/r 1 l");
        assertThat(lines.get(1)).contains(directives).doesNotContain("TieredStopAtLevel")
                .endsWith(" --once --no-hash-cache s s3://bucket/r 1 l");
    }

    @Test
    void theRealJvmTakesEitherChoiceOfTheJitWithoutAWordOnStdout() throws Exception {
        JarRuns.Finished firstTier = jar.run("jit-real-c1", TIMEOUT, launcher(List.of("DIRSYNC_CDS=off"), "--once",
                jar.source().toString(), jar.replica().toString(), "1", jar.logFile().toString()));
        Files.writeString(jar.source().resolve("after-the-first.txt"), "hashed by C2's MD5 or C1's");
        JarRuns.Finished withDirectives = jar.run("jit-real", TIMEOUT, launcher(List.of("DIRSYNC_CDS=off"), "--once",
                "--no-hash-cache", jar.source().toString(), jar.replica().toString(), "1",
                jar.logFile().toString()));

        for (JarRuns.Finished run : List.of(firstTier, withDirectives)) {
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.stderr()).as(run.describe()).isEmpty();
            assertThat(run.stdout()).as(run.describe()).doesNotContain("directives").contains("pass 1 finished");
        }
        Trees.assertSameTree(jar.source(), jar.replica());
    }

    @Test
    void firstRunLeavesAnArchiveThatTheSecondRunMaps() throws Exception {
        assumeDynamicArchive();
        JarRuns.Finished first = once("first");
        assertThat(Files.readString(classLog)).as("the first run has no archive yet").doesNotContain(MAIN_SHARED);
        assertThat(names(cache)).as("the first run's dump, under a name of its own")
                .singleElement().asString().matches("dirsync-java[0-9]+-[0-9]+\\.jsa\\.[0-9]+\\.tmp");

        JarRuns.Finished second = once("second");

        assertThat(Files.readString(classLog)).as(second.describe()).contains(MAIN_SHARED);
        assertThat(names(cache)).singleElement().asString().matches("dirsync-java[0-9]+-[0-9]+\\.jsa");
        assertThat(first.stderr() + second.stderr()).isEmpty();
    }

    /** A run that does no pass (often a new install's first) would make an archive of little use to the next. */
    @Test
    void versionOrHelpMakesNoArchive() throws Exception {
        assumeBaseArchive();
        for (String option : List.of("--version", "--help")) {
            JarRuns.Finished run = jar.run(option, TIMEOUT, launcher(List.of(), option));
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.stderr()).as(run.describe()).isEmpty();
        }

        assertThat(Files.exists(cache) ? names(cache) : List.of()).isEmpty();
    }

    @Test
    void offMeansNoArchive() throws Exception {
        assumeBaseArchive();
        once("first", "DIRSYNC_CDS=off");
        once("second", "DIRSYNC_CDS=off");

        assertThat(Files.readString(classLog)).doesNotContain(MAIN_SHARED);
        assertThat(cache).doesNotExist();
    }

    @Test
    void cacheThatCannotBeMadeMeansNoArchiveAndNoNoise() throws Exception {
        assumeBaseArchive();
        Files.writeString(jar.tmp().resolve("a-file"), "not a directory");
        cache = jar.tmp().resolve("a-file/cache");

        once("first");
        once("second");

        assertThat(Files.readString(classLog)).doesNotContain(MAIN_SHARED);
    }

    /** systemd's ProtectSystem=strict: a read-only bind mount, here in a user and mount namespace of its own. */
    @Test
    void readOnlyCacheDirectoryMeansNoArchiveAndNoNoise() throws Exception {
        assumeBaseArchive();
        Files.createDirectories(cache);
        JarRuns.Finished probe = jar.run("unshare", TIMEOUT, List.of("unshare", "-rm", "true"));
        Assumptions.assumeTrue(probe.exitCode() == 0, () -> "no user namespaces here: " + probe.describe());
        List<String> readOnly = List.of("unshare", "-rm", "sh", "-c",
                "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && shift && exec \"$@\"", "sh",
                cache.toString());

        for (String label : List.of("first", "second")) {
            List<String> command = new ArrayList<>(readOnly);
            command.addAll(launcherOnce());
            JarRuns.Finished run = jar.run(label, TIMEOUT, command);
            assertThat(run.exitCode()).as(run.describe()).isZero();
            assertThat(run.stderr()).as(run.describe()).isEmpty();
        }
        assertThat(names(cache)).isEmpty();
        assertThat(Files.readString(classLog)).doesNotContain(MAIN_SHARED);
        Trees.assertSameTree(jar.source(), jar.replica());
    }

    @Test
    void garbageArchiveIsIgnoredSilently() throws Exception {
        assumeDynamicArchive();
        once("first");
        once("second");
        Path archive = names(cache).stream().map(cache::resolve).findFirst().orElseThrow();
        Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(archive, "garbage, not an archive\n".repeat(100));

        once("third");

        assertThat(Files.readString(classLog)).doesNotContain(MAIN_SHARED);
    }

    /** A dump cut short (no header): removed, remembered, and no run of the same key dumps again. */
    @Test
    void unfinishedDumpIsRemovedAndNotRetried() throws Exception {
        assumeDynamicArchive();
        once("first");
        Path dump = names(cache).stream().map(cache::resolve).findFirst().orElseThrow();
        // A process id above the kernel's largest: that writer is surely gone.
        Path cut = dump.resolveSibling(dump.getFileName().toString().replaceAll("\\.[0-9]+\\.tmp$", ".4194999.tmp"));
        Files.move(dump, cut);
        Files.write(cut, new byte[64 * 1024]);

        once("second");
        once("third");

        String archive = cut.getFileName().toString().replace(".4194999.tmp", "");
        assertThat(names(cache)).containsExactly(archive + ".failed");
        assertThat(Files.readString(classLog)).doesNotContain(MAIN_SHARED);
    }

    @Test
    void runsStartedTogetherEachFinishAndLeaveOneArchive() throws Exception {
        assumeDynamicArchive();
        List<JarRuns.Running> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path replica = jar.tmp().resolve("replica-" + i);
            running.add(jar.start("together-" + i, launcher(List.of(), "--once", jar.source().toString(),
                    replica.toString(), "1", jar.tmp().resolve("log-" + i).toString())));
        }
        for (JarRuns.Running run : running) {
            JarRuns.Finished finished = run.awaitExit(TIMEOUT);
            assertThat(finished.exitCode()).as(finished.describe()).isZero();
            assertThat(finished.stderr()).as(finished.describe()).isEmpty();
        }

        once("after");
        once("later");

        assertThat(names(cache)).singleElement().asString().endsWith(".jsa");
        assertThat(Files.readString(classLog)).contains(MAIN_SHARED);
    }

    /** {@code bin/dirsync --version} with the Java home {@code fakeHome} and this test's cache directory. */
    private JarRuns.Finished versionWith(String label, Path fakeHome, String... environment) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + fakeHome, "DIRSYNC_CACHE_DIR=" + cache));
        command.addAll(List.of(environment));
        command.addAll(List.of(dist.launcher().toString(), "--version"));
        return jar.run(label, TIMEOUT, command);
    }

    /** {@code bin/dirsync --once} on this test's tree: exit 0, nothing on stderr, the replica a mirror. */
    private JarRuns.Finished once(String label, String... environment) throws IOException {
        JarRuns.Finished run = jar.run(label, TIMEOUT, launcher(List.of(environment), "--once",
                jar.source().toString(), jar.replica().toString(), "1", jar.logFile().toString()));
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stderr()).as(run.describe()).isEmpty();
        Trees.assertSameTree(jar.source(), jar.replica());
        return run;
    }

    private List<String> launcherOnce() {
        return launcher(List.of(), "--once", jar.source().toString(), jar.replica().toString(), "1",
                jar.logFile().toString());
    }

    /** The launcher with the test's Java, cache directory and a class-loading log (the same options each run).
     * {@code filecount=0}: the JVM keeps no older log by renaming it, which runs started together did under each
     * other ("Could not rename log file"). */
    private List<String> launcher(List<String> environment, String... arguments) {
        List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + UnpackedDist.javaHome(),
                "DIRSYNC_CACHE_DIR=" + cache, "DIRSYNC_JAVA_OPTS=-Xlog:class+load:file=" + classLog + "::filecount=0"));
        command.addAll(environment);
        command.add(dist.launcher().toString());
        command.addAll(List.of(arguments));
        return command;
    }

    /**
     * A Java whose launcher keeps the dynamic archive these tests look for: one with a base archive, before JDK 25
     * (from 25 on the launcher keeps an AOT cache instead, which {@link LauncherAotCacheIT} tests).
     */
    private static void assumeDynamicArchive() throws IOException {
        assumeBaseArchive();
        Path release = UnpackedDist.javaHome().resolve("release");
        String version = Files.readAllLines(release).stream().filter(line -> line.startsWith("JAVA_VERSION="))
                .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", "")).findFirst().orElse("");
        int major = Integer.parseInt(version.replaceFirst("^1\\.", "").replaceFirst("[^0-9].*$", ""));
        Assumptions.assumeTrue(major < 25, () -> "the launcher keeps an AOT cache, not an archive, on Java " + major
                + " (LauncherAotCacheIT)");
    }

    private static void assumeBaseArchive() {
        Path base = UnpackedDist.javaHome().resolve("lib/server/classes.jsa");
        Assumptions.assumeTrue(Files.isRegularFile(base), () -> "this Java has no base CDS archive: " + base);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * A Java home with {@code releaseLine} in its release file, whose bin/java appends its arguments to
     * {@code calls}, one line per start, and says 21 to {@code -version}.
     */
    private static Path recordingJava(Path fakeHome, String releaseLine, Path calls) throws IOException {
        Path java = Files.createDirectories(fakeHome.resolve("bin")).resolve("java");
        Files.writeString(fakeHome.resolve("release"), "IMPLEMENTOR=\"Test\"\n" + releaseLine + "\n");
        Files.writeString(java, String.join("\n",
                "#!/bin/sh",
                "echo \"$*\" >> '" + calls + "'",
                "if [ \"$1\" = -version ]; then",
                "  echo 'openjdk version \"21.0.1\" 2023-10-17' >&2",
                "fi",
                ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return fakeHome;
    }
}
