package dirsync.cli;

import static dirsync.testing.Trees.assertSameTree;
import static org.assertj.core.api.Assertions.assertThat;

import dirsync.app.ExitCode;
import dirsync.app.OptionRules;
import dirsync.app.StateFiles;
import dirsync.app.StatePlaces;
import dirsync.app.StopSignal;
import dirsync.app.Surroundings;
import dirsync.testing.AppendOnOpen;
import dirsync.testing.Eventually;
import dirsync.testing.Trees;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The real command line through picocli, in process: arguments in, exit code and output out. */
class DirsyncCommandTest {

    private static final String TIMESTAMPED_LINE =
            "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) (INFO |WARN |ERROR|DEBUG) .+";

    @TempDir
    Path temp;

    @TempDir
    Path locks;

    Surroundings surroundings;

    Path source;
    Path replica;
    Path log;

    @BeforeEach
    void layOut() {
        source = Trees.at(temp.resolve("source")).file("a.txt", "alpha").file("sub/b.txt", "beta").dir("empty").root();
        replica = temp.resolve("replica");
        log = temp.resolve("logs/dirsync.log");
        surroundings = new Surroundings(locks, java.time.Duration.ofSeconds(10), false);
    }

    record Run(int exitCode, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    private Run run(String... args) {
        return run(new StopSignal(), args);
    }

    private Run run(StopSignal stop, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = DirsyncCommand.commandLine(stop, surroundings);
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void onePassMirrorsTheSourceAndExitsZero() {
        Run run = run(once(source, replica, "60", log));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void byDefaultARunCarriesOwnersHardLinksAndExtendedAttributes() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(runsAsRoot(), "giving files to another owner needs root");
        Trees.at(source).hardLink("twin.txt", "a.txt").xattr("a.txt", "origin", "test").owner("sub/b.txt", 1234, 5678);

        Run run = run(once(source, replica, "60", log));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertSameTree(source, replica, Trees.Detail.OWNERS, Trees.Detail.HARD_LINKS, Trees.Detail.XATTRS);
    }

    @Test
    void theNoOptionsLeaveOwnersHardLinksAndExtendedAttributesOut() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(runsAsRoot(), "giving files to another owner needs root");
        Trees.at(source).hardLink("twin.txt", "a.txt").xattr("a.txt", "origin", "test").owner("sub/b.txt", 1234, 5678);

        Run run = run("--no-owner", "--no-group", "--no-hard-links", "--no-xattrs", "--once", source.toString(),
                replica.toString(), "60", log.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertSameTree(source, replica);
        assertThat(Files.getAttribute(replica.resolve("twin.txt"), "unix:nlink")).isEqualTo(1);
        assertThat(Trees.xattrs(replica.resolve("a.txt"))).isEqualTo(" xattrs={}");
        assertThat(Trees.owners(replica.resolve("sub/b.txt"))).startsWith(" uid=0 gid=0 ");
    }

    private static boolean runsAsRoot() throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    }

    @Test
    void logsEveryOperationToTheLogFileAndTheConsoleInOneForm() throws IOException {
        Run run = run(once(source, replica, "60", log));

        List<String> logLines = Files.readAllLines(log);
        assertThat(logLines).allMatch(line -> line.matches(TIMESTAMPED_LINE), "timestamp, level, message");
        assertThat(logLines.get(0)).contains("started", "source '" + source.toRealPath() + "'",
                "replica '" + replica.toRealPath() + "'", "interval 60 s");
        assertThat(logLines).anyMatch(line -> line.endsWith("INFO  created directory sub"))
                .anyMatch(line -> line.endsWith("INFO  created directory empty"))
                .anyMatch(line -> line.endsWith("INFO  copied new file a.txt (5 bytes)"))
                .anyMatch(line -> line.endsWith("INFO  copied new file sub/b.txt (4 bytes)"));
        assertThat(logLines.get(logLines.size() - 1))
                .contains("pass 1 finished: created=2 copied=2 updated=0", "errors=0 bytes=9 duration=");
        assertThat(run.out().lines().toList()).isEqualTo(logLines);
    }

    @Test
    void appendsToAnExistingLogFile() throws IOException {
        run(once(source, replica, "60", log));
        run(once(source, replica, "60", log));

        assertThat(Files.readAllLines(log)).filteredOn(line -> line.contains("started")).hasSize(2);
    }

    @Test
    void debugDetailOnlyWithVerbose() throws IOException {
        run(once(source, replica, "60", log));
        run(once(source, replica, "60", log));
        assertThat(Files.readString(log)).doesNotContain("DEBUG");

        run("-v", "--once", source.toString(), replica.toString(), "60", log.toString());

        assertThat(Files.readString(log)).contains("DEBUG unchanged (same MD5): a.txt");
    }

    @Test
    void aDryRunLogsTheOperationsAndChangesNothing() throws IOException {
        Run run = run("--dry-run", "--once", source.toString(), replica.toString(), "60", log.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(replica).doesNotExist();
        assertThat(Files.readAllLines(log)).anyMatch(line -> line.endsWith("(dry run) copied new file a.txt (5 bytes)"));
    }

    @Test
    void exitsOneWhenAPassFinishesWithFailedEntries() throws IOException {
        // The replica root is 200 bytes longer than the source root, so a deep source path is too long
        // (ENAMETOOLONG) only on the replica side: a real error that even root gets.
        Path longReplica = temp.resolve("r".repeat(200));
        Path deep = source;
        while (deep.toString().length() + 253 < 4090) {
            deep = deep.resolve("d".repeat(250));
        }
        Files.createDirectories(deep);

        Run run = run(once(source, longReplica, "60", log));

        assertThat(run.exitCode()).isEqualTo(ExitCode.ENTRIES_FAILED);
        assertThat(Files.readString(log)).contains("ERROR cannot create directory", "File name too long");
        assertThat(longReplica.resolve("a.txt")).hasContent("alpha");
    }

    @Test
    void watchModeCopiesAChangeWithoutWaitingForTheIntervalThenStopsWithExitZero() throws Exception {
        StopSignal stop = new StopSignal();
        Path status = temp.resolve("status/dirsync.prom");
        CompletableFuture<Run> running = CompletableFuture.supplyAsync(() -> run(stop, "--watch", "--watch-delay",
                "0.2", "--status-file", status.toString(), source.toString(), replica.toString(), "3600",
                log.toString()));
        awaitTrue(() -> Files.exists(log) && passFinishedAfter("created directory empty"));
        Files.writeString(source.resolve("sub/later.txt"), "added while watching");
        awaitTrue(() -> Files.readAllLines(log).stream().anyMatch(line -> line.contains("changes in 1 directory")));

        stop.raise();
        Run run = running.get(15, TimeUnit.SECONDS);

        assertThat(run.exitCode()).isZero();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines.get(0)).contains("interval 3600 s, watching (delay 0.2 s)");
        assertThat(lines).anyMatch(line -> line.endsWith("copied new file sub/later.txt (20 bytes)"));
        assertThat(lines).filteredOn(line -> line.contains(" pass ")).hasSize(1);
        assertThat(Files.readString(status)).contains("dirsync_watched_directories{replica=\"" + replica + "\"} 3",
                "dirsync_unwatched_directories{", "dirsync_pending_events{",
                "dirsync_last_event_pass_start_time_seconds{");
        assertSameTree(source, replica);
    }

    @Test
    void periodicModeKeepsSyncingUntilStoppedThenExitsZero() throws Exception {
        StopSignal stop = new StopSignal();
        CompletableFuture<Run> running = CompletableFuture.supplyAsync(
                () -> run(stop, source.toString(), replica.toString(), "1", log.toString()));
        awaitTrue(() -> Files.isRegularFile(replica.resolve("a.txt")));
        Files.writeString(source.resolve("later.txt"), "added while running");
        awaitTrue(() -> passFinishedAfter("copied new file later.txt"));

        stop.raise();
        Run run = running.get(15, TimeUnit.SECONDS);

        assertThat(run.exitCode()).isZero();
        List<String> lines = Files.readAllLines(log);
        assertThat(lines.get(lines.size() - 1)).endsWith("dirsync stopped");
        assertSameTree(source, replica);
    }

    @Test
    void aSecondInstanceOnTheSameReplicaExitsThreeAndTouchesNothing() throws Exception {
        StopSignal stop = new StopSignal();
        CompletableFuture<Run> first = CompletableFuture.supplyAsync(
                () -> run(stop, source.toString(), replica.toString(), "1", log.toString()));
        awaitTrue(() -> Files.isRegularFile(replica.resolve("a.txt")));
        Path otherLog = temp.resolve("other.log");
        Files.writeString(source.resolve("new.txt"), "must not be copied by the second instance");
        Path sameReplicaOtherSpelling = temp.resolve("replica/../replica");

        try {
            Run second = run(once(source, sameReplicaOtherSpelling, "60", otherLog));

            assertThat(second.exitCode()).isEqualTo(ExitCode.ALREADY_RUNNING);
            assertThat(second.errLines()).singleElement().asString()
                    .startsWith("dirsync: another dirsync is already running on replica '" + replica.toRealPath());
            assertThat(otherLog).doesNotExist();
        } finally {
            stop.raise();
            assertThat(first.get(15, TimeUnit.SECONDS).exitCode()).isZero();
        }
        assertThat(run(once(source, replica, "60", otherLog)).exitCode()).as("the lock is released on exit").isZero();
    }

    /**
     * A replica that validation cannot foresee failing: its nearest existing ancestor is a writable directory,
     * but the new name is longer than any file system takes (ENAMETOOLONG, for root too). By then the lock and
     * the log file were written, so the exit code is 4, not 2's "nothing was touched".
     */
    @Test
    void aReplicaThatCannotBeCreatedAfterTheRunStartedExitsFourAndIsLogged() throws IOException {
        Path unnamable = temp.resolve("r".repeat(300));

        Run run = run(once(source, unnamable, "60", log));

        assertThat(run.exitCode()).isEqualTo(ExitCode.REPLICA_UNUSABLE).isEqualTo(4);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("dirsync: cannot create replica '" + unnamable + "': ")
                .contains("File name too long");
        assertThat(Files.readAllLines(log)).singleElement().asString()
                .matches(TIMESTAMPED_LINE).contains("ERROR cannot create replica '", "File name too long");
        assertThat(run.out()).as("said once on the console: on stderr, not again as a log line").isEmpty();
        assertThat(run.err()).doesNotContain("Exception");
    }

    /** The same under /proc, where not even root may create a directory, though the check of access says yes. */
    @Test
    void aReplicaUnderProcExitsFourAsRootAndTwoOtherwise() throws IOException {
        Path underProc = Path.of("/proc/dirsync-test-" + ProcessHandle.current().pid() + "/replica");
        boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;

        Run run = run(once(source, underProc, "60", log));

        assertThat(underProc.getParent()).doesNotExist();
        if (root) {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.REPLICA_UNUSABLE);
            assertThat(run.errLines()).singleElement().asString()
                    .startsWith("dirsync: cannot create replica '" + underProc + "': ");
            assertThat(Files.readString(log)).contains("ERROR cannot create replica '" + underProc + "'");
        } else {
            assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.USAGE);
            assertThat(run.errLines()).singleElement().asString()
                    .isEqualTo("dirsync: replica '" + underProc + "' cannot be created: '/proc' is not writable");
            assertThat(log).doesNotExist();
        }
    }

    @Test
    void aDryRunNeedsNoWritableParentForTheReplica() {
        Path underProc = Path.of("/proc/dirsync-test-" + ProcessHandle.current().pid() + "/replica");

        Run run = run("--dry-run", "--once", source.toString(), underProc.toString(), "60", log.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("(dry run) copied new file a.txt");
    }

    @Test
    void copiesComeBeforeDeletionsInTheLog() throws IOException {
        Trees.at(replica).file("zz-extra", "old").file("00-extra", "old");

        run(once(source, replica, "60", log));

        List<String> lines = Files.readAllLines(log);
        int lastCopy = lastIndexOf(lines, "copied new file");
        int firstDeletion = indexOf(lines, "deleted file");
        assertThat(lastCopy).isNotNegative();
        assertThat(firstDeletion).isGreaterThan(lastCopy);
    }

    @Test
    void anEmptySourceIsRefusedUnlessAllowed() throws IOException {
        run(once(source, replica, "60", log));
        Path empty = Files.createDirectory(temp.resolve("empty-source"));

        Run refused = run(once(empty, replica, "60", log));

        assertThat(refused.exitCode()).isEqualTo(ExitCode.ENTRIES_FAILED);
        assertThat(Files.readString(log)).contains("ERROR deleted nothing in the replica this pass: the source is empty");
        assertThat(replica.resolve("a.txt")).hasContent("alpha");
        assertThat(replica.resolve("sub/b.txt")).hasContent("beta");

        Run allowed = run("--allow-empty-source", "--once", empty.toString(), replica.toString(), "60", log.toString());

        assertThat(allowed.exitCode()).isZero();
        assertThat(replica).isEmptyDirectory();
    }

    @Test
    void maxDeleteRefusesAPassThatWouldDeleteMoreAndAllowsOneThatWouldNot() throws IOException {
        Trees.at(replica).file("extra/1", "x").file("extra/2", "x").file("extra-file", "x");

        Run over = run("--max-delete", "3", "--once", source.toString(), replica.toString(), "60", log.toString());

        assertThat(over.exitCode()).isEqualTo(ExitCode.ENTRIES_FAILED);
        assertThat(Files.readString(log)).contains("it would delete 4 entries, more than --max-delete 3 allows");
        assertThat(replica.resolve("extra/1")).exists();
        assertThat(replica.resolve("a.txt")).as("copies still happen").hasContent("alpha");

        Run within = run("--max-delete", "4", "--once", source.toString(), replica.toString(), "60", log.toString());

        assertThat(within.exitCode()).isZero();
        assertSameTree(source, replica);
    }

    @Test
    void theStatusFileTellsTheLastPassAndTheLastSuccessInPrometheusFormat() throws IOException {
        Path status = temp.resolve("metrics/dirsync.prom"); // its directory is created too

        Run run = run("--status-file", status.toString(), "--once", source.toString(), replica.toString(), "60",
                log.toString());

        assertThat(run.exitCode()).isZero();
        Map<String, Double> metrics = prometheus(status);
        String replicaLabel = "{replica=\"" + replica.toRealPath() + "\"}";
        assertThat(metrics.get("dirsync_last_pass_errors" + replicaLabel)).isZero();
        assertThat(metrics.get("dirsync_last_pass_completed" + replicaLabel)).isEqualTo(1.0);
        assertThat(metrics.get("dirsync_last_pass_bytes_copied" + replicaLabel)).isEqualTo(9.0);
        assertThat(metrics.get("dirsync_last_pass_operations{replica=\"" + replica.toRealPath()
                + "\",operation=\"copied\"}")).isEqualTo(2.0);
        double started = metrics.get("dirsync_last_pass_start_time_seconds" + replicaLabel);
        assertThat(started).isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(60.0));
        assertThat(metrics.get("dirsync_last_success_time_seconds" + replicaLabel)).isEqualTo(started);
        assertThat(metrics.get("dirsync_last_pass_duration_seconds" + replicaLabel)).isNotNegative();
    }

    /**
     * Three --once runs are three passes in a row: the count of a file that changed during each copy lives in the
     * state directory between runs. The file is appended to whenever it is opened ({@link AppendOnOpen}), so each
     * run's copy finds it grown, whatever the timing.
     */
    @Test
    void aFileWrittenDuringEveryCopyMakesTheThirdOnceRunExit1() throws Exception {
        Path appLog = Files.writeString(source.resolve("app.log"), "line 1\n");
        List<Run> runs = new java.util.ArrayList<>();
        try (AppendOnOpen writer = AppendOnOpen.start(appLog)) {
            for (int i = 0; i < 3; i++) {
                runs.add(run(once(source, replica, "60", log)));
            }
        }

        assertThat(runs).extracting(Run::exitCode).as(runs.toString()).containsExactly(0, 0, ExitCode.ENTRIES_FAILED);
        assertThat(runs.get(2).out()).contains("ERROR changed during its copy in 3 passes in a row, not copied: "
                + "app.log");
        assertThat(replica.resolve("app.log")).doesNotExist();
    }

    @Test
    void withCopyUnsettledTheThirdOnceRunCopiesAFileWrittenDuringEveryCopyAsReadAndExits0() throws Exception {
        Path appLog = Files.writeString(source.resolve("app.log"), "line 1\n");
        List<Run> runs = new java.util.ArrayList<>();
        try (AppendOnOpen writer = AppendOnOpen.start(appLog)) {
            for (int i = 0; i < 3; i++) {
                runs.add(run("--copy-unsettled", "--once", source.toString(), replica.toString(), "60", log.toString()));
            }
        }

        assertThat(runs).extracting(Run::exitCode).as(runs.toString()).containsExactly(0, 0, 0);
        assertThat(runs.get(2).out()).contains("WARN  copied as read, the copy may not match any single "
                + "moment of the source: app.log");
        String copy = Files.readString(replica.resolve("app.log"));
        assertThat(Files.readString(appLog)).as("the copy is the file as it was when that copy began")
                .startsWith(copy).isNotEqualTo(copy);
        assertThat(copy.lines()).as("the line and one append for each run's opening before the third's")
                .hasSize(3).startsWith("line 1");
    }

    @Test
    void aFailedPassKeepsTheLastSuccessOfAnEarlierRun() throws IOException {
        Path status = temp.resolve("dirsync.prom");
        run("--status-file", status.toString(), "--once", source.toString(), replica.toString(), "60", log.toString());
        String label = "{replica=\"" + replica.toRealPath() + "\"}";
        double firstSuccess = prometheus(status).get("dirsync_last_success_time_seconds" + label);
        Path empty = Files.createDirectory(temp.resolve("empty"));

        Run failed = run("--status-file", status.toString(), "--once", empty.toString(), replica.toString(), "60",
                log.toString());

        assertThat(failed.exitCode()).isEqualTo(ExitCode.ENTRIES_FAILED);
        Map<String, Double> metrics = prometheus(status);
        assertThat(metrics.get("dirsync_last_pass_errors" + label)).isEqualTo(1.0);
        assertThat(metrics.get("dirsync_last_success_time_seconds" + label)).isEqualTo(firstSuccess);
    }

    /** Parses the Prometheus text format: every sample line's name with labels, and its value. */
    private static Map<String, Double> prometheus(Path file) throws IOException {
        Map<String, Double> samples = new java.util.HashMap<>();
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("#")) {
                assertThat(line).matches("# (HELP|TYPE) dirsync_\\w+ .+");
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    @Test
    void theLogFileRollsOverIntoCompressedFilesAndKeepsAtMostTheirNumber() throws IOException {
        for (int i = 0; i < 300; i++) {
            Trees.at(source).file("many/file-" + i + ".txt", "x");
        }

        for (int round = 0; round < 4; round++) {
            Files.writeString(source.resolve("many/file-0.txt"), "round " + round);
            run("--log-max-size", "4KB", "--log-max-files", "2", "-v", "--once", source.toString(),
                    replica.toString(), "60", log.toString());
        }

        assertThat(log.resolveSibling("dirsync.log.1.gz")).exists();
        assertThat(log.resolveSibling("dirsync.log.2.gz")).exists();
        assertThat(log.resolveSibling("dirsync.log.3.gz")).doesNotExist();
        assertThat(Files.size(log)).isLessThan(8 * 1024);
        try (var gzip = new java.util.zip.GZIPInputStream(Files.newInputStream(log.resolveSibling("dirsync.log.1.gz")))) {
            assertThat(new String(gzip.readAllBytes())).containsPattern(TIMESTAMPED_LINE.replace("^", "(?m)^")
                    .replace(".+", ".+$"));
        }
    }

    @Test
    void quietKeepsTheConsoleToWarningsAndErrorsButTheFileGetsEverything() throws IOException {
        Trees.at(source).fifo("pipe");

        Run run = run("-q", "--once", source.toString(), replica.toString(), "60", log.toString());

        assertThat(run.out().lines()).isNotEmpty().allMatch(line -> line.contains(" WARN ") || line.contains(" ERROR"));
        assertThat(Files.readString(log)).contains("INFO  copied new file a.txt", "WARN  skipped special file pipe");
    }

    @Test
    void aLongPassLogsProgressToTheFileButNotToANonInteractiveConsole() throws IOException {
        surroundings = new Surroundings(locks, java.time.Duration.ofMillis(100), false);
        byte[] block = new byte[1 << 20];
        try (var out = Files.newOutputStream(source.resolve("big.bin"))) {
            for (int i = 0; i < 400; i++) {
                out.write(block);
            }
        }

        Run run = run("--once", source.toString(), replica.toString(), "60", log.toString());

        assertThat(Files.readAllLines(log)).anyMatch(line -> line.matches(
                TIMESTAMPED_LINE.replace(".+", "progress: [\\d,]+ entries checked, .+ hashed, .+ copied, .+/s, \\d+ s")));
        assertThat(run.out()).doesNotContain("progress", "\r");
    }

    @Test
    void excludePatternsComeFromOptionsAndFiles() throws IOException {
        Trees.at(source).file("a.tmp", "t").file("cache/c", "c").file("keep/b.log", "l");
        Path patterns = Files.writeString(temp.resolve("excludes.txt"), "# build output\n\ncache/\n  *.log  \n");

        Run run = run("--exclude", "*.tmp", "--exclude-from", patterns.toString(), "--once", source.toString(),
                replica.toString(), "60", log.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(replica.resolve("a.txt")).exists();
        assertThat(replica.resolve("a.tmp")).doesNotExist();
        assertThat(replica.resolve("cache")).doesNotExist();
        assertThat(replica.resolve("keep/b.log")).doesNotExist();
        assertThat(replica.resolve("keep")).isDirectory();
    }

    @Test
    void aDirectoryRenamedBetweenTwoRunsIsRenamedInTheReplicaByTheSecond() throws IOException {
        Trees.at(source).file("photos/2024/a.jpg", "aaa").file("photos/b.jpg", "bb");
        assertThat(run(once(source, replica, "60", log)).exitCode()).isZero();
        Files.move(source.resolve("photos"), source.resolve("pictures"));

        Run second = run(once(source, replica, "60", log));

        assertThat(second.exitCode()).isZero();
        assertThat(Files.readAllLines(log)).anyMatch(line -> line.endsWith("moved directory photos -> pictures"))
                .anyMatch(line -> line.contains(" moved=1 ") && line.contains(" bytes=0 "));
        Trees.assertSameTree(source, replica);
    }

    @Test
    void aRunLeavesItsVerifiedPairsForTheNextOneNextToItsLockOwnerOnly() throws IOException {
        run(once(source, replica, "60", log));

        try (Stream<Path> files = Files.list(locks)) {
            assertThat(files.filter(file -> file.getFileName().toString().endsWith(".pairs")).toList())
                    .singleElement().satisfies(pairs -> assertThat(java.nio.file.attribute.PosixFilePermissions
                            .toString(Files.getPosixFilePermissions(pairs))).isEqualTo("rw-------"));
        }
    }

    @Test
    void aSymlinkPlantedAtTheLockFilesNameIsNotFollowed() throws IOException {
        Path victim = Files.writeString(temp.resolve("victim"), "precious");
        Files.createSymbolicLink(lockFileOf(replica), victim);

        Run run = run(once(source, replica, "60", log));

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("dirsync: cannot lock '" + lockFileOf(replica) + "': not dirsync's own lock file")
                .endsWith("it is a symbolic link, which dirsync never follows");
        assertThat(victim).hasContent("precious");
        assertThat(log).doesNotExist();
        assertThat(replica).isEmptyDirectory();
    }

    @Test
    void aHardLinkPlantedAtTheLockFilesNameIsNeitherLockedNorWritten() throws IOException {
        Path victim = Files.writeString(temp.resolve("victim"), "precious");
        Files.createLink(lockFileOf(replica), victim);

        Run run = run(once(source, replica, "60", log));

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("not dirsync's own lock file", "2 names");
        assertThat(victim).hasContent("precious");
        assertThat(log).doesNotExist();
    }

    @Test
    void aFifoPlantedAtTheLockFilesNameIsRefused() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", lockFileOf(replica).toString()).inheritIO().start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();

        Run run = run(once(source, replica, "60", log));

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("not dirsync's own lock file",
                "it is not a regular file");
        assertThat(log).doesNotExist();
    }

    @Test
    void aStateDirectoryInsideTheSourceIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path state = Files.createDirectories(source.resolve("sub/state"));
        surroundings = new Surroundings(state, java.time.Duration.ofSeconds(10), false);
        Map<String, String> before = Trees.snapshot(temp);

        Run run = run(once(source, replica, "60", log));

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("state directory", "'" + state + "'",
                "is inside the source");
        assertThat(Trees.snapshot(temp)).containsExactlyEntriesOf(before);
    }

    @Test
    void aStateDirectoryInsideTheReplicaIsRefusedForTheMirrorWouldDeleteTheLock() throws IOException {
        Path state = Files.createDirectories(replica.resolve("state"));
        surroundings = new Surroundings(state, java.time.Duration.ofSeconds(10), false);

        Run run = run(once(source, replica, "60", log));

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("state directory", "is inside the replica",
                "the mirror would delete it");
        assertThat(log).doesNotExist();
    }

    @Test
    void aLockFileLeftByARunThatWasKilledIsTakenAndRemoved() throws IOException {
        Path left = Files.writeString(lockFileOf(replica), "pid 1 replica file:///killed\n");
        Files.setPosixFilePermissions(left, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        Run run = run(once(source, replica, "60", log));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(left).doesNotExist();
    }

    @Test
    void aRunThatEndsCleanlyRemovesItsLockFile() throws IOException {
        Run run = run(once(source, replica, "60", log));

        assertThat(run.exitCode()).isZero();
        assertThat(lockFileOf(replica)).doesNotExist();
        assertThat(locks).isNotEmptyDirectory(); // the hash memory stays
    }

    @Test
    void aRunWhosePassAGuardRefusedRemovesItsLockFile() throws IOException {
        Path empty = Files.createDirectories(temp.resolve("empty-source"));
        Trees.at(replica).file("kept.txt", "kept");

        Run run = run(once(empty, replica, "60", log));

        assertThat(run.exitCode()).isEqualTo(ExitCode.ENTRIES_FAILED);
        assertThat(replica.resolve("kept.txt")).exists();
        assertThat(lockFileOf(replica)).doesNotExist();
    }

    @Test
    void aRunThatNeverReachedItsSftpReplicaRemovesItsLockFile() throws Exception {
        Path home = Files.createDirectories(temp.resolve("home/.ssh")).getParent();
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                home.resolve(".ssh/id_ed25519").toString()).inheritIO().start();
        assertThat(keygen.waitFor(30, TimeUnit.SECONDS) && keygen.exitValue() == 0).as("ssh-keygen").isTrue();
        surroundings = new Surroundings(locks, Duration.ofSeconds(10), false, home);
        String unreachable = "sftp://nobody@127.0.0.1:1/srv/mirror"; // port 1: nothing listens, the connection is refused

        Run run = run("--once", source.toString(), unreachable, "60", log.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.ENTRIES_FAILED);
        try (Stream<Path> files = Files.list(locks)) {
            assertThat(files.map(file -> file.getFileName().toString())).noneMatch(file -> file.endsWith(".lock"));
        }
    }

    @Test
    void theHashMemoryIsKeptInTheUsersStateDirectoryAndTheLockInTheSharedOne() throws IOException {
        Path memories = temp.resolve("home/.local/state/dirsync");
        surroundings = new Surroundings(new StatePlaces(locks, memories), Duration.ofSeconds(10), false, temp);
        StopSignal stop = new StopSignal();
        CompletableFuture<Run> first = CompletableFuture.supplyAsync(() -> run(stop, source.toString(), replica.toString(), "1",
                log.toString()));
        try {
            awaitTrue(() -> Files.isRegularFile(lockFileOf(replica)));
        } finally {
            stop.raise();
        }
        assertThat(first.join().exitCode()).isZero();

        StateFiles state = new StateFiles(new StatePlaces(locks, memories), replica.toRealPath());
        assertThat(state.memoryFile()).isRegularFile().hasParent(memories);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(memories)))
                .as("made for this user alone").isEqualTo("rwx------");
        assertThat(locks).isEmptyDirectory();
    }

    @Test
    void aUserWhoMirrorsTheHomeGetsTheHashMemoryWithTheLockForTheSourceIsNeverWritten() throws IOException {
        Path inTheSource = source.resolve(".local/state/dirsync");
        surroundings = new Surroundings(new StatePlaces(locks, inTheSource), Duration.ofSeconds(10), false, source);

        Run run = run(once(source, replica, "60", log));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(source.resolve(".local")).doesNotExist();
        assertThat(new StateFiles(locks, replica.toRealPath()).memoryFile()).isRegularFile();
    }

    @Test
    void theMemoryOfAReplicaNoRunSavedForThirtyDaysIsRemovedAndNewerOnesStay() throws IOException {
        Path memories = Files.createDirectories(temp.resolve("state"));
        surroundings = new Surroundings(new StatePlaces(locks, memories), Duration.ofSeconds(10), false, temp);
        Path abandoned = ownOnly(memories.resolve("dirsync-0123456789abcdef.pairs"), Duration.ofDays(31));
        Path recent = ownOnly(memories.resolve("dirsync-fedcba9876543210.pairs"), Duration.ofDays(29));
        Path stranger = ownOnly(memories.resolve("notes.txt"), Duration.ofDays(400));

        assertThat(run(once(source, replica, "60", log)).exitCode()).isZero();

        assertThat(abandoned).doesNotExist();
        assertThat(recent).exists();
        assertThat(stranger).as("not dirsync's").exists();
    }

    /** A file of this user's, readable by it alone, last modified {@code age} ago. */
    private static Path ownOnly(Path file, Duration age) throws IOException {
        Files.writeString(file, "x");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(age)));
        return file;
    }

    /** Where a run on {@code replica} keeps its lock (the replica is created, so that its real path is known). */
    private Path lockFileOf(Path replica) throws IOException {
        return new StateFiles(locks, Files.createDirectories(replica).toRealPath()).lockFile();
    }

    @Test
    void noHashCacheLeavesNoMemoryBehind() throws IOException {
        run("--no-hash-cache", "--once", source.toString(), replica.toString(), "60", log.toString());

        try (Stream<Path> files = Files.list(locks)) {
            assertThat(files.filter(file -> file.getFileName().toString().endsWith(".pairs"))).isEmpty();
        }
    }

    @Test
    void theBackupDirectoryKeepsWhatAPassDeletes() throws IOException {
        Trees.at(replica).file("old.txt", "precious");
        Path backups = temp.resolve("backups");

        Run run = run("--backup-dir", backups.toString(), "--once", source.toString(), replica.toString(), "60",
                log.toString());

        assertThat(run.exitCode()).isZero();
        try (Stream<Path> passes = Files.list(backups)) {
            assertThat(passes.map(pass -> pass.resolve("old.txt")).toList()).singleElement()
                    .satisfies(kept -> assertThat(kept).hasContent("precious"));
        }
        assertThat(Files.readString(log)).contains("deleted file old.txt (moved to backup)");
    }

    private boolean passFinishedAfter(String text) throws IOException {
        List<String> lines = Files.readAllLines(log);
        int at = indexOf(lines, text);
        return at >= 0 && lines.subList(at, lines.size()).stream().anyMatch(line -> line.contains(" finished: "));
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<String> lines, String text) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void helpListsTheArgumentsAndTheExitCodes() {
        Run run = run("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("SOURCE REPLICA", "INTERVAL LOG_FILE", "--once", "--dry-run", "--verbose",
                "--max-delete", "--allow-empty-source", "--compare", "--no-hash-cache", "Exit codes:", "0   success", "1   --once",
                "2   usage or validation error", "3   another dirsync is already running",
                "4   the run started but could not use the replica");
    }

    /** The help is made of the rules' constants: written out by hand, it would fail here when a rule changes. */
    @Test
    void helpShowsTheDefaultsAndRangesTheRulesHold() {
        Run run = run("--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().replaceAll("\\s+", " ")).contains(
                "(a whole number from " + OptionRules.INTERVAL_SHORTEST + " to " + OptionRules.INTERVAL_LONGEST + ")",
                "(" + OptionRules.WATCH_DELAY_SHORTEST + " to " + OptionRules.WATCH_DELAY_LONGEST + ", default "
                        + OptionRules.WATCH_DELAY_DEFAULT + ")",
                "N: " + OptionRules.MAX_DELETE_FEWEST + " or more",
                "at least " + OptionRules.LOG_MAX_SIZE_SMALLEST + "; default " + OptionRules.LOG_MAX_SIZE_DEFAULT + ")",
                OptionRules.LOG_MAX_FILES_FEWEST + " to " + OptionRules.LOG_MAX_FILES_MOST + " (default "
                        + OptionRules.LOG_MAX_FILES_DEFAULT + ")",
                "default " + OptionRules.COMPARE_DEFAULT + ".");
    }

    @Test
    void versionComesFromTheBuild() {
        Run run = run("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().trim()).matches("dirsync \\d+\\.\\d+\\.\\d+.*");
    }

    /** Each mistake: the arguments (built from the temp dir), and words its one-line error must contain. */
    static Stream<Arguments> mistakes() {
        return Stream.of(
                mistake("source missing", t -> once(t.resolve("nope"), t.resolve("replica"), "5", t.resolve("l.log")),
                        "source", "does not exist"),
                mistake("source is a file", t -> once(file(t, "f"), t.resolve("replica"), "5", t.resolve("l.log")),
                        "is not a directory"),
                mistake("replica is a file", t -> once(t.resolve("source"), file(t, "f"), "5", t.resolve("l.log")),
                        "exists but is not a directory"),
                mistake("replica under a file", t -> once(t.resolve("source"), file(t, "f").resolve("r"), "5",
                        t.resolve("l.log")), "cannot be created"),
                mistake("same directory", t -> once(t.resolve("source"), t.resolve("source"), "5", t.resolve("l.log")),
                        "same directory"),
                mistake("same directory by another spelling", t -> once(t.resolve("source"),
                        t.resolve("source/sub/.."), "5", t.resolve("l.log")), "same directory"),
                mistake("replica inside source", t -> once(t.resolve("source"), t.resolve("source/sub/replica"), "5",
                        t.resolve("l.log")), "inside the source"),
                mistake("replica inside source through a link", t -> once(t.resolve("source"),
                        link(t, "alias", t.resolve("source/sub")), "5", t.resolve("l.log")), "inside the source"),
                mistake("source inside replica", t -> once(t.resolve("source/sub"), t.resolve("source"), "5",
                        t.resolve("l.log")), "inside the replica"),
                mistake("log inside replica", t -> once(t.resolve("source"), t.resolve("replica"), "5",
                        t.resolve("replica/sync.log")), "log file", "inside the replica"),
                mistake("log inside source", t -> once(t.resolve("source"), t.resolve("replica"), "5",
                        t.resolve("source/sync.log")), "log file", "inside the source"),
                mistake("log is a directory", t -> once(t.resolve("source"), t.resolve("replica"), "5",
                        t.resolve("source").getParent()), "is a directory"),
                mistake("log under a file", t -> once(t.resolve("source"), t.resolve("replica"), "5",
                        file(t, "f").resolve("x.log")), "log file", "cannot be created"),
                mistake("interval zero", t -> once(t.resolve("source"), t.resolve("replica"), "0", t.resolve("l.log")),
                        "INTERVAL must be a whole number of seconds"),
                mistake("interval negative", t -> once(t.resolve("source"), t.resolve("replica"), "-5",
                        t.resolve("l.log")), "INTERVAL"),
                mistake("interval not a number", t -> once(t.resolve("source"), t.resolve("replica"), "abc",
                        t.resolve("l.log")), "INTERVAL", "'abc'"),
                mistake("interval fractional", t -> once(t.resolve("source"), t.resolve("replica"), "1.5",
                        t.resolve("l.log")), "INTERVAL"),
                mistake("arguments missing", t -> new String[] {t.resolve("source").toString()},
                        "missing REPLICA, INTERVAL and LOG_FILE"),
                mistake("too many arguments", t -> new String[] {"a", "b", "5", "l", "extra"}, "one argument too many: 'extra'"),
                mistake("unknown option", t -> new String[] {"--frobnicate", "a", "b", "5", "l"},
                        "unknown option '--frobnicate'"),
                mistake("backup inside replica", t -> withOptions(t, "--backup-dir", t.resolve("replica/b").toString()),
                        "backup directory", "inside the replica"),
                mistake("backup inside source", t -> withOptions(t, "--backup-dir", t.resolve("source/b").toString()),
                        "backup directory", "inside the source"),
                mistake("backup is a file", t -> withOptions(t, "--backup-dir", file(t, "f").toString()),
                        "backup directory", "not a directory"),
                mistake("status file inside replica", t -> withOptions(t, "--status-file",
                        t.resolve("replica/s.prom").toString()), "status file", "inside the replica"),
                mistake("status file is a directory", t -> withOptions(t, "--status-file", t.toString()),
                        "status file", "is a directory"),
                mistake("log is a FIFO", t -> once(t.resolve("source"), t.resolve("replica"), "5", fifo(t, "pipe")),
                        "log file '", "pipe' is a FIFO (named pipe), not a regular file"),
                mistake("log is a character device", t -> once(t.resolve("source"), t.resolve("replica"), "5",
                        Path.of("/dev/null")), "log file '/dev/null' is a character device, not a regular file"),
                mistake("log is a kernel file under /proc", t -> once(t.resolve("source"), t.resolve("replica"), "5",
                        Path.of("/proc/self/status")), "log file '/proc/self/status' is on a proc file system"),
                mistake("log would be created under /proc", t -> once(t.resolve("source"), t.resolve("replica"), "5",
                        Path.of("/proc/dirsync-test/sync.log")),
                        "log file '/proc/dirsync-test/sync.log' would be created on a proc file system"),
                mistake("log would be created under /sys", t -> once(t.resolve("source"), t.resolve("replica"), "5",
                        Path.of("/sys/dirsync-test.log")), "log file '/sys/dirsync-test.log' would be created on a "
                        + "sysfs file system"),
                mistake("status file under /proc", t -> withOptions(t, "--status-file", "/proc/self/status"),
                        "status file '/proc/self/status' is on a proc file system"),
                mistake("backup directory under /proc", t -> withOptions(t, "--backup-dir", "/proc/dirsync-test"),
                        "backup directory '/proc/dirsync-test' would be created on a proc file system"),
                mistake("bad exclude pattern", t -> withOptions(t, "--exclude", "[oops"), "exclude pattern", "'[oops'",
                        "(a backslash before a '[' makes it literal)"),
                mistake("missing exclude file", t -> withOptions(t, "--exclude-from", t.resolve("nope").toString()),
                        "cannot read exclude file"),
                mistake("log size not a size", t -> withOptions(t, "--log-max-size", "lots"), "--log-max-size",
                        "'lots'"),
                mistake("log files out of range", t -> withOptions(t, "--log-max-files", "21"), "--log-max-files"),
                mistake("compare neither checksum nor quick", t -> withOptions(t, "--compare", "size"), "--compare",
                        "checksum or quick", "'size'"),
                mistake("max-delete negative", t -> new String[] {"--max-delete", "-1", "--once",
                    t.resolve("source").toString(), t.resolve("replica").toString(), "5", t.resolve("l.log").toString()},
                        "--max-delete", "'-1'"),
                mistake("watch with once", t -> withOptions(t, "--watch"), "--watch and --once exclude each other"),
                mistake("sftp replica with a password", t -> new String[] {"--once", t.resolve("source").toString(),
                    "sftp://ana:secret@host/srv/m", "5", t.resolve("l.log").toString()}, "password"),
                mistake("sftp replica with a relative path", t -> new String[] {"--once",
                    t.resolve("source").toString(), "sftp://host", "5", t.resolve("l.log").toString()}, "sftp://"),
                mistake("sftp replica with backups", t -> new String[] {"--once", "--backup-dir",
                    t.resolve("b").toString(), t.resolve("source").toString(), "sftp://host/srv/m", "5",
                    t.resolve("l.log").toString()}, "--backup-dir cannot be used with an sftp:// replica"),
                mistake("watch delay not a number", t -> withOptions(t, "--watch-delay", "soon"), "--watch-delay",
                        "'soon'"),
                mistake("watch delay too short", t -> new String[] {"--watch", "--watch-delay", "0.01",
                    t.resolve("source").toString(), t.resolve("replica").toString(), "5", t.resolve("l.log").toString()},
                        "--watch-delay must be from 0.1 to 60 seconds"),
                mistake("watch delay too long", t -> new String[] {"--watch", "--watch-delay", "61",
                    t.resolve("source").toString(), t.resolve("replica").toString(), "5", t.resolve("l.log").toString()},
                        "--watch-delay must be from 0.1 to 60 seconds"),
                mistake("watch delay over an hour", t -> new String[] {"--watch", "--watch-delay", "4000",
                    t.resolve("source").toString(), t.resolve("replica").toString(), "5", t.resolve("l.log").toString()},
                        "--watch-delay must be from 0.1 to 60 seconds"),
                mistake("watch delay negative", t -> new String[] {"--watch", "--watch-delay", "-1",
                    t.resolve("source").toString(), t.resolve("replica").toString(), "5", t.resolve("l.log").toString()},
                        "--watch-delay must be from 0.1 to 60 seconds"),
                mistake("log size below the smallest", t -> withOptions(t, "--log-max-size", "1023"),
                        "--log-max-size", "at least 1KB"));
    }

    /** A --once run of the usual source and replica with these options in front. */
    private static String[] withOptions(Path t, String... options) {
        List<String> args = new java.util.ArrayList<>(List.of(options));
        args.addAll(List.of(once(t.resolve("source"), t.resolve("replica"), "5", t.resolve("l.log"))));
        return args.toArray(String[]::new);
    }

    private static Arguments mistake(String name, Function<Path, String[]> args, String... words) {
        return Arguments.of(name, args, words);
    }

    private static String[] once(Path source, Path replica, String interval, Path log) {
        return new String[] {"--once", source.toString(), replica.toString(), interval, log.toString()};
    }

    private static Path file(Path temp, String name) {
        Path file = temp.resolve(name);
        try {
            if (!Files.exists(file)) {
                Files.writeString(file, "not a directory");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return file;
    }

    /** A FIFO (named pipe) at {@code name} in {@code temp}. */
    private static Path fifo(Path temp, String name) {
        Path fifo = temp.resolve(name);
        try {
            Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
            assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return fifo;
    }

    private static Path link(Path temp, String name, Path target) {
        try {
            return Files.createSymbolicLink(temp.resolve(name), target);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void aMistakeIsOneLineOnStderrExitTwoAndNothingTouched(String name, Function<Path, String[]> args,
                                                          String[] words) throws IOException {
        Files.createDirectories(source.resolve("sub"));
        String[] arguments = args.apply(temp);
        Map<String, String> before = Trees.snapshot(temp);

        Run run = run(arguments);

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).hasSize(1);
        assertThat(run.errLines().get(0)).startsWith("dirsync: ").contains(words).doesNotContain("Exception");
        assertThat(run.out()).isEmpty();
        assertThat(Trees.snapshot(temp)).as("nothing touched").isEqualTo(before);
    }

    /**
     * A REPLICA that scp or rsync would read as a remote address, and the sftp:// form the error offers. Taken as
     * a relative path it would be a directory under the working directory (./ftp:/host/x): none may appear.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"ftp://host/x, an ftp:// address, sftp://host/x", "ssh://host/x, an ssh:// address, sftp://host/x",
        "scp://host/x, an scp:// address, sftp://host/x", "sftp:/host/x, an sftp address without '//', sftp://host/x",
        "host:/x, '''/x'' on host ''host'', as scp and rsync read it', sftp://host/x",
        "root@host:/x, '''/x'' on host ''host'' as user ''root'', as scp and rsync read it', sftp://root@host/x"})
    void aReplicaThatReadsAsAnotherRemoteAddressIsRefusedAndNothingIsCreated(String address, String understood,
                                                                          String sftp) {
        Path firstName = Path.of(address.substring(0, address.indexOf('/'))); // ftp:, sftp:, host:, root@host:
        assertThat(firstName).as("left over in the working directory").doesNotExist();
        Map<String, String> before = Trees.snapshot(temp);

        Run run = run("--once", source.toString(), address, "5", log.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).singleElement().asString().isEqualTo("dirsync: replica '" + address + "' reads as "
                + understood + ": dirsync reaches another host only by sftp://; write " + sftp + " for a remote "
                + "replica, or ./" + address + " for a local directory");
        assertThat(firstName).as("created in the working directory").doesNotExist();
        assertThat(Trees.snapshot(temp)).as("nothing touched").isEqualTo(before);
    }

    @Test
    void aFileUrlIsRefusedWithItsPlainPath() {
        String url = "file://" + replica;

        Run run = run("--once", source.toString(), url, "5", log.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).singleElement().asString().isEqualTo("dirsync: replica '" + url
                + "' is a file:// URL, and dirsync takes plain paths: write " + replica);
        assertThat(replica).doesNotExist();
        assertThat(log).doesNotExist();
        assertThat(Path.of("file:")).as("created in the working directory").doesNotExist();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sftp://host/x, an sftp:// address", "ftp://host/x, an ftp:// address",
        "host:/x, '''/x'' on host ''host'', as scp and rsync read it'"})
    void aSourceOnAnotherHostIsRefusedWhateverTheAddress(String address, String understood) {
        Run run = run("--once", address, replica.toString(), "5", log.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).singleElement().asString().isEqualTo("dirsync: source '" + address + "' reads as "
                + understood + ": a source on another host is not supported (only the replica may be); write ./"
                + address + " for a local directory");
        assertThat(replica).doesNotExist();
        assertThat(log).doesNotExist();
    }

    @Test
    void aColonAfterTheFirstSlashIsPartOfALocalName() {
        Path colons = temp.resolve("host:").resolve("x");

        Run run = run(once(source, colons, "60", log));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertSameTree(source, colons);
    }

    /** /dev is a devtmpfs on a host (a container may give a tmpfs instead: nothing to refuse there). */
    @Test
    void aLogFileThatWouldBeCreatedAmongTheDevicesIsRefused() throws IOException {
        Path underDev = Path.of("/dev/dirsync-test-" + ProcessHandle.current().pid() + ".log");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.getFileStore(Path.of("/dev")).type().equals("devtmpfs"),
                "/dev is a devtmpfs");

        Run run = run(once(source, replica, "60", underDev));

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.errLines()).singleElement().asString().isEqualTo("dirsync: log file '" + underDev
                + "' would be created on a devtmpfs file system (its entries are devices, not files to write to)");
        assertThat(underDev).doesNotExist();
        assertThat(replica).doesNotExist();
    }

    /** tmpfs holds files like a disk: /dev/shm is one, though it is under /dev. */
    @Test
    void aLogFileOnTmpfsIsAFile() throws IOException {
        Path shm = Path.of("/dev/shm");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(shm)
                && Files.getFileStore(shm).type().equals("tmpfs"), "/dev/shm is a tmpfs");
        Path onTmpfs = Files.createTempDirectory(shm, "dirsync-test-").resolve("sync.log");
        try {
            Run run = run(once(source, replica, "60", onTmpfs));

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(Files.readString(onTmpfs)).contains("pass 1 finished");
        } finally {
            Files.deleteIfExists(onTmpfs);
            Files.delete(onTmpfs.getParent());
        }
    }

    private static void awaitTrue(Check check) {
        Eventually.within(Duration.ofSeconds(30), "the condition", () -> {
            if (!check.holds()) {
                throw new AssertionError("not yet");
            }
        });
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }
}
