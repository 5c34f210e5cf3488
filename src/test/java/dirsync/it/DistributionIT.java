package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The distribution archive as an admin meets it: {@code target/dirsync-VERSION.tar.gz} unpacked with tar, dirsync
 * run through {@code bin/dirsync} (directly, through links, with awkward arguments, with an old or a fake Java),
 * the bash completion loaded into bash, and the systemd unit checked by {@code systemd-analyze verify}.
 */
class DistributionIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String INSTALL_PREFIX = "/opt/dirsync/";

    @TempDir
    static Path unpackRoot;

    /** The version in the archive's name, e.g. {@code 1.0.0-SNAPSHOT}. */
    private static String version;
    /** The unpacked {@code dirsync-VERSION} directory, as an install directory such as /opt/dirsync. */
    private static Path home;
    /** The launcher's cache directory (DIRSYNC_CACHE_DIR) for every run of this class. */
    private static Path cacheDir;

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @BeforeAll
    static void unpack() throws IOException {
        UnpackedDist dist = UnpackedDist.unpack(unpackRoot);
        version = dist.version();
        home = dist.home();
        // The launcher keeps its class-data-sharing archive here, not in the home of whoever runs the tests.
        cacheDir = unpackRoot.resolve("cache");
    }

    /** On JDK 25 a run may have started the launcher's training run in the cache directory: it ends first. */
    @AfterAll
    static void awaitTraining() {
        LauncherTraining.awaitEnd(cacheDir);
    }

    private static Path archive() throws IOException {
        return UnpackedDist.archive();
    }

    /** dirsync's commands in this class run the unpacked launcher, not the jar. */
    @BeforeEach
    void setUp() {
        jar.launchWith(launcher(home.resolve("bin/dirsync")));
    }

    @Test
    void archiveHoldsLauncherJarJitDirectivesUnitCompletionAndDocs() throws Exception {
        List<String> files;
        try (Stream<Path> walk = Files.walk(home)) {
            files = walk.filter(Files::isRegularFile).map(path -> home.relativize(path).toString())
                    .filter(path -> !path.startsWith("lib/s3/")).sorted().toList(); // the AWS SDK: ObjectStoreClassPathIT
        }
        assertThat(files).containsExactly("LICENSE", "README.md", "bin/dirsync", "completion/dirsync.bash",
                "lib/dirsync.jar", "lib/jit-directives.json", "systemd/dirsync@.service", "systemd/example.conf");

        Path launcher = home.resolve("bin/dirsync");
        assertThat(Files.isExecutable(launcher)).as("%s is executable", launcher).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(launcher))).isEqualTo("rwxr-xr-x");
        // The mode in the archive itself, whatever the umask did on unpacking.
        JarRuns.Finished listing = jar.run("tar-list", TIMEOUT, List.of("tar", "-tvzf", archive().toString()));
        assertThat(listing.exitCode()).as(listing.describe()).isZero();
        assertThat(listing.stdout().lines().filter(line -> line.endsWith("dirsync-" + version + "/bin/dirsync")))
                .as(listing.describe())
                .singleElement().asString().startsWith("-rwxr-xr-x ");

        assertThat(Files.mismatch(home.resolve("lib/dirsync.jar"), DirsyncJar.jarFile()))
                .as("lib/dirsync.jar is the shaded jar").isEqualTo(-1L);
        assertThat(Files.mismatch(home.resolve("README.md"), Path.of("README.md").toAbsolutePath())).isEqualTo(-1L);
        assertThat(Files.mismatch(home.resolve("LICENSE"), Path.of("LICENSE").toAbsolutePath())).isEqualTo(-1L);
    }

    @Test
    void versionThroughTheLauncher() throws Exception {
        JarRuns.Finished run = jar.run("version", TIMEOUT, jar.command("--version"));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).as(run.describe()).isEqualTo("dirsync " + version + "\n");
        assertThat(run.stderr()).as(run.describe()).isEmpty();
    }

    @Test
    void findsJavaOnThePathWithoutJavaHome() throws Exception {
        Path javaBin = javaHome().resolve("bin");
        JarRuns.Finished run = jar.run("path-java", TIMEOUT, List.of("env", "-u", "JAVA_HOME",
                "PATH=" + javaBin + ":/usr/bin:/bin", "DIRSYNC_CACHE_DIR=" + cacheDir, home.resolve("bin/dirsync").toString(), "--version"));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout()).as(run.describe()).isEqualTo("dirsync " + version + "\n");
    }

    @Test
    void onceThroughTheLauncherMirrorsATree() throws Exception {
        smallTree(jar.source());

        JarRuns.Finished run = jar.run("once", TIMEOUT, jar.once());

        assertThat(run.exitCode()).as(run.describe()).isZero();
        Trees.assertSameTree(jar.source(), jar.replica());
    }

    @Test
    void linksToTheLauncherFindTheInstall() throws Exception {
        // /usr/local/bin/dirsync -> /opt/dirsync/bin/dirsync, and a relative link to that link.
        Path absolute = Files.createDirectories(jar.tmp().resolve("usr/local/bin")).resolve("dirsync");
        Files.createSymbolicLink(absolute, home.resolve("bin/dirsync"));
        Path relative = Files.createDirectories(jar.tmp().resolve("elsewhere")).resolve("mirror");
        Files.createSymbolicLink(relative, Path.of("../usr/local/bin/dirsync"));
        smallTree(jar.source());

        JarRuns.Finished shown = jar.run("link-version", TIMEOUT, launcher(absolute, "--version"));
        jar.launchWith(launcher(relative));
        JarRuns.Finished once = jar.run("link-once", TIMEOUT, jar.once());

        assertThat(shown.exitCode()).as(shown.describe()).isZero();
        assertThat(shown.stdout()).as(shown.describe()).isEqualTo("dirsync " + version + "\n");
        assertThat(once.exitCode()).as(once.describe()).isZero();
        Trees.assertSameTree(jar.source(), jar.replica());
    }

    @Test
    void argumentsWithSpacesAndShellCharactersReachDirsyncUnchanged() throws Exception {
        Path source = smallTree(jar.tmp().resolve("my source"));
        Path replica = jar.tmp().resolve("odd 'quoted' \"name\" $HOME * ; \\ end");
        Path logFile = jar.tmp().resolve("my logs").resolve("dirsync  two  spaces.log");

        JarRuns.Finished run = jar.run("spaces", TIMEOUT, jar.sync(source, replica, "1", logFile, "--once"));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        Trees.assertSameTree(source, replica);
        assertThat(JarRuns.lines(logFile)).as(run.describe()).last().asString().contains("pass 1 finished: ");
    }

    /**
     * A fake Java 21 records its process id and its arguments as raw bytes: the launcher must exec it (same process,
     * so signals reach the JVM) with DIRSYNC_JAVA_OPTS split but not globbed, then every argument byte for byte.
     */
    @Test
    void launcherExecsJavaWithEveryArgumentByteForByte() throws Exception {
        Path pidFile = jar.tmp().resolve("java.pid");
        Path argsFile = jar.tmp().resolve("java.args");
        Path fakeHome = fakeJava(jar.tmp().resolve("fake-jdk-21"), "openjdk version \"21.0.1\" 2023-10-17",
                "echo $$ > '" + pidFile + "'\nprintf '%s\\000' \"$@\" > '" + argsFile + "'");
        // bash makes the bytes Java cannot pass: a newline, an empty argument, a name that is not UTF-8.
        String script = "exec env JAVA_HOME=\"$1\" DIRSYNC_JAVA_OPTS='-Xmx64m  -Dglob=*' \"$2\" "
                + "--once '' 'my source' $'new\\nline' $'caf\\xe9\\xff' '*' '$HOME' '-Dnot.a.jvm=option'";

        JarRuns.Running running = jar.start("fake-21", List.of("bash", "-c", script, "bash",
                fakeHome.toString(), home.resolve("bin/dirsync").toString()));
        JarRuns.Finished run = running.awaitExit(TIMEOUT);

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(Files.readString(pidFile).trim()).as("the java process is the launcher's process (exec)")
                .isEqualTo(Long.toString(running.process().pid()));
        String recorded = new String(Files.readAllBytes(argsFile), StandardCharsets.ISO_8859_1); // a char per byte
        assertThat(recorded.split("\0", -1)).as(run.describe()).containsExactly(
                "-XX:+UseSerialGC", "-Xms16m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
                "-Xmx64m", "-Dglob=*", "-jar", bytes(home.resolve("lib/dirsync.jar").toString()),
                "--once", "", "my source", "new\nline", "caf\u00e9\u00ff", "*", "$HOME", "-Dnot.a.jvm=option", "");
    }

    @Test
    void sigtermThroughTheLauncherStopsDirsyncCleanly() throws Exception {
        smallTree(jar.source());
        JarRuns.Running dirsync = jar.start("periodic", jar.periodic(60));
        JarRuns.await(TIMEOUT, "the first pass",
                () -> JarRuns.readString(jar.logFile()).contains("pass 1 finished"), dirsync::describe);

        // A launcher that forked java instead of exec'ing it would have it as a child, out of the signal's reach.
        List<ProcessHandle> children = dirsync.process().descendants().toList();
        JarRuns.Finished stopped;
        try {
            dirsync.process().destroy(); // SIGTERM, to the launcher's process id: the JVM itself
            stopped = dirsync.awaitExit(TIMEOUT);
        } finally {
            children.forEach(ProcessHandle::destroyForcibly);
        }

        assertThat(children).as("processes under the launcher's\n%s", dirsync.describe()).isEmpty();
        assertThat(stopped.exitCode()).as(stopped.describe()).isZero();
        assertThat(JarRuns.lines(jar.logFile())).as(stopped.describe()).last().asString()
                .endsWith(" dirsync stopped");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "openjdk version \"11.0.2\" 2019-01-15 | 11.0.2",
        "java version \"1.8.0_381\"            | 1.8.0_381",
    })
    void refusesJavaOlderThan17(String versionLine, String found) throws Exception {
        Path ran = jar.tmp().resolve("fake-java-ran");
        Path fakeHome = fakeJava(jar.tmp().resolve("fake-jdk"), versionLine, "touch '" + ran + "'");

        JarRuns.Finished run = jar.run("old-java", TIMEOUT, List.of("env", "JAVA_HOME=" + fakeHome,
                home.resolve("bin/dirsync").toString(), "--version"));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).as(run.describe()).singleElement().asString()
                .startsWith("dirsync: needs Java 17 or newer, found " + found + " ");
        assertThat(run.stdout()).as(run.describe()).isEmpty();
        assertThat(ran).as("an old java is never started with the jar").doesNotExist();
    }

    @Test
    void completionScriptIsValidBashAndCompletesTheOptions() throws Exception {
        Path script = home.resolve("completion/dirsync.bash");
        assertThat(Files.readString(script)).contains("--once");

        JarRuns.Finished syntax = jar.run("bash-n", TIMEOUT, List.of("bash", "-n", script.toString()));
        assertThat(syntax.exitCode()).as(syntax.describe()).isZero();
        assertThat(syntax.stderr()).as(syntax.describe()).isEmpty();

        // What bash does on "dirsync --<TAB>": call the function registered for dirsync, read COMPREPLY.
        JarRuns.Finished completed = jar.run("complete", TIMEOUT, List.of("bash", "-c", String.join("\n",
                "source \"$1\" || exit 1",
                "spec=$(complete -p dirsync) || exit 1",
                "function=${spec##*-F }; function=${function%% *}",
                "COMP_WORDS=(dirsync --); COMP_CWORD=1; COMP_LINE='dirsync --'; COMP_POINT=${#COMP_LINE}",
                "\"$function\" dirsync -- dirsync 2>/dev/null",
                "printf '%s\\n' \"${COMPREPLY[@]}\""), "bash", script.toString()));
        assertThat(completed.exitCode()).as(completed.describe()).isZero();
        assertThat(completed.stdout().lines().toList()).as(completed.describe())
                .contains("--once", "--dry-run", "--max-delete", "--allow-empty-source", "--verbose", "--version");
    }

    @Test
    void systemdUnitPassesSystemdAnalyzeVerify() throws Exception {
        Path unit = home.resolve("systemd/dirsync@.service");
        String text = Files.readString(unit);
        assertThat(text).contains("\nExecStart=" + INSTALL_PREFIX + "bin/dirsync ", "\nEnvironmentFile=/etc/dirsync/%i.conf\n",
                "\nNoNewPrivileges=yes\n", "\nProtectSystem=strict\n", "\nProtectHome=read-only\n",
                "\nRestart=on-failure\n", "\nKillSignal=SIGTERM\n");
        assertThat(Files.readAllLines(home.resolve("systemd/example.conf")))
                .as("example.conf defines every variable ExecStart uses")
                .anyMatch(line -> line.startsWith("SOURCE=")).anyMatch(line -> line.startsWith("REPLICA="))
                .anyMatch(line -> line.startsWith("INTERVAL=")).anyMatch(line -> line.startsWith("LOG_FILE="))
                .anyMatch(line -> line.startsWith("DIRSYNC_OPTS="));
        Path analyze = onPath("systemd-analyze");
        if (analyze == null) {
            String reason = "systemd-analyze is not on PATH: the unit's directives were not verified";
            System.out.println("DistributionIT: skipped: " + reason);
            Assumptions.abort(reason);
        }
        // verify insists that ExecStart's program exists: the copy points at this unpacked install instead.
        Path units = Files.createDirectories(jar.tmp().resolve("units"));
        Path instance = units.resolve("dirsync@test.service");
        Files.writeString(instance, text.replace(INSTALL_PREFIX, home + "/"));

        JarRuns.Finished run = jar.run("systemd-analyze", TIMEOUT,
                List.of(analyze.toString(), "verify", instance.toString()));

        // verify exits 0 on an unknown key or a bad value too, with a warning naming the unit file and line.
        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat((run.stdout() + run.stderr()).lines())
                .as("warnings about the unit\n%s", run.describe())
                .noneMatch(line -> line.contains("dirsync@test.service"));
    }

    /** A few files, a directory and a link. */
    private static Path smallTree(Path root) throws IOException {
        Trees.at(root)
                .file("a.txt", "alpha")
                .file("docs/readme.md", "# read me\n")
                .file("docs/run.sh", "#!/bin/sh\necho hi\n")
                .mode("docs/run.sh", "rwxr-x---")
                .dir("empty")
                .link("latest", "a.txt");
        return root;
    }

    /** {@code launcher args...} run with JAVA_HOME set to the Java the tests use (dirsync.java, if set). */
    private static List<String> launcher(Path launcher, String... args) {
        List<String> command = new ArrayList<>(List.of("env", "JAVA_HOME=" + javaHome(),
                "DIRSYNC_CACHE_DIR=" + cacheDir, launcher.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static Path javaHome() {
        return UnpackedDist.javaHome();
    }

    /** A JAVA_HOME whose bin/java prints {@code versionLine} for -version and otherwise runs {@code body}. */
    private static Path fakeJava(Path fakeHome, String versionLine, String body) throws IOException {
        Path java = Files.createDirectories(fakeHome.resolve("bin")).resolve("java");
        Files.writeString(java, String.join("\n",
                "#!/bin/sh",
                "if [ \"$1\" = -version ]; then",
                "  echo 'Picked up JAVA_TOOL_OPTIONS: -Dnoise=1' >&2",
                "  echo '" + versionLine + "' >&2",
                "  echo 'OpenJDK Runtime Environment (build fake)' >&2",
                "  exit 0",
                "fi",
                body,
                ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return fakeHome;
    }

    /** The UTF-8 bytes of {@code text} as ISO-8859-1 characters, to compare with recorded raw bytes. */
    private static String bytes(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
