package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The command line as a user meets it: the real jar in a child process, its exit code and its output. */
class CliProcessIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @Test
    void versionPrintsNameAndVersionAndExits0() throws Exception {
        JarRuns.Finished run = jar.run("version", TIMEOUT, jar.command("--version"));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        assertThat(run.stdout())
                .as(run.describe())
                .matches("dirsync [0-9][0-9A-Za-z.+-]*\\R")
                .doesNotContain("unknown", "${");
        assertThat(run.stderr()).as(run.describe()).isEmpty();
    }

    @Test
    void usageErrorIsOneLineOnStderrAndExit2() throws Exception {
        Trees.at(jar.source()).file("a.txt", "alpha");

        JarRuns.Finished run = jar.run("usage", TIMEOUT, jar.sync(jar.source(), jar.replica(), "abc", jar.logFile()));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).as(run.describe())
                .singleElement()
                .satisfies(line -> assertThat(line).startsWith("dirsync: ").contains("INTERVAL", "'abc'"));
        assertThat(run.stderr()).as(run.describe()).doesNotContain("Exception", "\tat ");
        assertThat(run.stdout()).as(run.describe()).isEmpty();
        assertThat(jar.replica()).as("nothing is touched on a usage error").doesNotExist();
        assertThat(jar.logFile()).as("nothing is touched on a usage error").doesNotExist();
    }

    @Test
    void onceMirrorsAFreshTreeAndExits0() throws Exception {
        Instant past = Instant.parse("2021-03-04T05:06:07.123456789Z");
        Trees.at(jar.source())
                .file("a.txt", "alpha")
                .file("empty.txt", new byte[0])
                .file("docs/readme.md", "# read me\n")
                .file("docs/deep/er/still/file.bin", new byte[] {0, 1, 2, (byte) 0xff})
                .file("private.txt", "secret-ish")
                .mode("private.txt", "rw-------")
                .file("script.sh", "#!/bin/sh\necho hi\n")
                .mode("script.sh", "rwxr-x---")
                .dir("empty-dir")
                .link("link-to-a", "a.txt")
                .link("dangling", "no/such/target")
                .mtime("a.txt", past)
                .mtime("docs/deep", past)
                .mode("docs/deep/er", "rwx------");

        JarRuns.Finished run = jar.run("once", TIMEOUT, jar.once());

        assertThat(run.exitCode()).as(run.describe()).isZero();
        Trees.assertSameTree(jar.source(), jar.replica());
        List<String> log = JarRuns.lines(jar.logFile());
        assertThat(log).as(run.describe()).last(InstanceOfAssertFactories.STRING)
                .contains("pass 1 finished: ").contains(" errors=0 ");
    }

    /**
     * Run from the test's directory with relative paths, as a user types them: a REPLICA that scp and rsync read as
     * a remote address, or a LOG_FILE on procfs, is refused before anything is created (no ./ftp:/host/x).
     */
    @ParameterizedTest(name = "REPLICA {0}, LOG_FILE {1}")
    @CsvSource({
        "ftp://host/x, logs/dirsync.log,  'reads as an ftp:// address',                            'write sftp://host/x'",
        "host:/x,      logs/dirsync.log,  'reads as ''/x'' on host ''host''',                       'write sftp://host/x'",
        "replica,      /proc/self/status, 'log file ''/proc/self/status'' is on a proc file system', 'kernel'"})
    void aForeignAddressOrALogOnProcIsOneLineExit2AndNothingIsCreated(String replica, String logFile,
                                                                      String understood, String advice)
            throws IOException {
        Trees.at(jar.source()).file("a.txt", "alpha").file("sub/b.txt", "beta");
        Map<String, String> before = besideTheOutput(jar.tmp());

        JarRuns.Finished run = jar.runIn(jar.tmp(), "refused", TIMEOUT,
                jar.command("--once", "source", replica, "1", logFile));

        assertThat(run.exitCode()).as(run.describe()).isEqualTo(2);
        assertThat(run.stderr().lines().toList()).as(run.describe()).singleElement().asString()
                .startsWith("dirsync: ").contains(understood, advice).doesNotContain("Exception");
        assertThat(run.stdout()).as(run.describe()).isEmpty();
        assertThat(besideTheOutput(jar.tmp())).as("nothing created, the source intact").isEqualTo(before);
        try (Stream<Path> output = Files.list(jar.tmp().resolve("output"))) {
            assertThat(output.map(Path::getFileName)).as("only the child's output").containsExactlyInAnyOrder(
                    run.running().stdoutFile().getFileName(), run.running().stderrFile().getFileName());
        }
    }

    @Test
    void aReplicaStartingWithDotSlashIsALocalDirectoryWhateverColonsFollow() throws IOException {
        Trees.at(jar.source()).file("a.txt", "alpha").file("sub/b.txt", "beta");

        JarRuns.Finished run = jar.runIn(jar.tmp(), "local", TIMEOUT,
                jar.command("--once", "source", "./host:/x", "1", "logs/dirsync.log"));

        assertThat(run.exitCode()).as(run.describe()).isZero();
        Trees.assertSameTree(jar.source(), jar.tmp().resolve("host:").resolve("x"));
    }

    /** Every entry under {@code root} but the children's output directory, described. */
    private static Map<String, String> besideTheOutput(Path root) {
        Map<String, String> entries = new TreeMap<>(Trees.snapshot(root));
        entries.keySet().removeIf(name -> name.equals("output") || name.startsWith("output/"));
        return entries;
    }
}
