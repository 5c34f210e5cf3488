package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Eventually;
import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGKILL at any moment of a copy to a replica on a real OpenSSH server: whatever the replica holds under a real
 * name afterwards is a whole file, the old version or the new one, never a prefix or a mix; dirsync's temporary
 * files are the only debris, and one more pass completes the mirror and leaves none.
 *
 * <p>Two trees, A and B ({@link KillTrees}), with the same names and different content everywhere. Every fourth kill
 * comes in a first copy (the replica emptied before it); the others in a pass over what the kill before left, from the
 * other tree, so files change and their old content must survive. Each kill comes, at random, either a random delay
 * into the pass, within the longest whole pass measured first, or as soon as the log shows the k-th file copied (k at
 * random: copies are then in flight); a first copy's kill always the latter, so that first copies are cut mid-way; the choices come from a seeded {@link Random}, printed, and set with
 * {@code -Ddirsync.kill.seed=N} to replay a run. The verdict does not depend on when a kill lands: every replica
 * state is checked.
 */
class SftpKillAnywhereIT {

    private static final int KILLS = 16;
    private static final long MIB = KillTrees.MIB;
    private static final Duration PASS_DEADLINE = Duration.ofSeconds(120);
    private static final Duration DEATH_DEADLINE = Duration.ofSeconds(10);
    private static final Duration SESSIONS_END = Duration.ofSeconds(30);
    /** A kill after the k-th file a pass copied takes k at random up to this (a whole pass copies 125 or 126). */
    private static final int COPIES_BEFORE_KILL = 110;

    @RegisterExtension
    final JarToOpenSsh sftp = new JarToOpenSsh();
    private final DirsyncJar jar = sftp.jar();
    private final OpenSshServer sshd = sftp.server();

    @Test
    void sigkillAtAnyMomentOfARemoteCopyLeavesOnlyWholeFilesAndOneMorePassCompletesTheMirror() throws Exception {
        Path treeA = jar.tmp().resolve("A");
        Path treeB = jar.tmp().resolve("B");
        // Big files to be cut mid-write, and 120 small ones in six directories between them.
        KillTrees.layOut(treeA, 'A', new long[] {12 * MIB + 123, 16 * MIB, 8 * MIB - 7}, 20);
        KillTrees.layOut(treeB, 'B', new long[] {12 * MIB + 123, 14 * MIB + 5, 10 * MIB}, 20);
        ReplicaVersions allowed = new ReplicaVersions();
        allowed.add(treeA);
        allowed.add(treeB);

        // A whole first copy, and a whole pass from the other tree over it, unkilled: the longer bounds the delays.
        onePass(treeA);
        onePass(treeB);
        Trees.assertSameTree(treeB, sftp.remote(), Trees.Detail.WHOLE_SECONDS);
        long passMillis = JarRuns.longestPassMillis(jar.logFile());

        long seed = Long.getLong("dirsync.kill.seed", System.nanoTime());
        System.out.printf("SftpKillAnywhereIT: seed %d (replay with -Ddirsync.kill.seed=%d), a whole pass takes "
                + "%d ms%n", seed, seed, passMillis);
        Random random = new Random(seed);

        int midPass = 0;
        int firstCopiesCut = 0;
        int firstCopiesKilled = 0;
        int copiesCut = 0;
        Map<String, String> torn = new TreeMap<>(); // each torn version once, with the first kill that showed it
        Path lastSource = treeB;
        for (int kill = 1; kill <= KILLS; kill++) {
            lastSource = kill % 2 == 1 ? treeA : treeB;
            boolean firstCopy = kill % 4 == 1;
            if (firstCopy && Files.exists(sftp.remote())) {
                Trees.deleteRecursively(sftp.remote());
            }
            Path killLog = jar.tmp().resolve("logs").resolve(String.format("kill-%02d.log", kill));
            JarRuns.Running dirsync = jar.start("kill", command(lastSource, killLog));
            JarRuns.awaitPassStart(dirsync, killLog);
            String moment;
            if (!firstCopy && random.nextBoolean()) {
                long delay = (long) (random.nextDouble() * passMillis);
                TimeUnit.MILLISECONDS.sleep(delay);
                moment = delay + " ms into";
            } else {
                int copies = 1 + random.nextInt(COPIES_BEFORE_KILL);
                awaitCopies(dirsync, killLog, copies);
                moment = "after the " + copies + "th copy of";
            }
            dirsync.process().destroyForcibly(); // SIGKILL on Linux
            JarRuns.Finished dead = dirsync.awaitExit(DEATH_DEADLINE);
            boolean killedMidPass = dead.exitCode() == 137; // 128 + 9; else it had finished its pass by itself
            if (killedMidPass) {
                midPass++;
                firstCopiesKilled += firstCopy ? 1 : 0;
            } else {
                assertThat(dead.exitCode()).as("a pass that ended by itself\n%s", dead.describe()).isZero();
            }
            serverSessionsEnded(dead);
            ReplicaVersions.Inspection state = allowed.inspect(sftp.remote());
            if (!state.temporary().isEmpty()) {
                copiesCut++;
                firstCopiesCut += firstCopy ? 1 : 0;
            }
            for (String problem : state.problems()) {
                torn.putIfAbsent(problem, "kill " + kill + ", " + moment + " a " + (firstCopy ? "first copy"
                        : "pass") + " from " + lastSource.getFileName() + (killedMidPass ? ""
                        : " (after the pass had ended)"));
            }
        }

        JarRuns.Finished last = onePass(lastSource);
        System.out.printf("SftpKillAnywhereIT: kills %d, hit mid-pass %d (mid first copy %d), left a copy cut short %d"
                + " (in a first copy %d), torn files %d (seed %d, pass %d ms)%n", KILLS, midPass, firstCopiesKilled,
                copiesCut, firstCopiesCut, torn.size(), seed, passMillis);

        assertThat(torn).as("files under a real name that are neither A's nor B's version (seed %d)", seed).isEmpty();
        // Kills that all landed after the pass, or between copies, would prove nothing.
        assertThat(midPass).as("kills that interrupted a pass (seed %d, pass %d ms)", seed, passMillis)
                .isGreaterThanOrEqualTo(KILLS / 4);
        assertThat(copiesCut).as("kills that left a temporary file (seed %d)", seed).isPositive();
        assertThat(firstCopiesKilled).as("kills that interrupted a first copy (seed %d)", seed).isPositive();
        assertThat(JarRuns.tempFiles(sftp.remote())).as("temporary files after a complete pass\n%s", last.describe())
                .isEmpty();
        Trees.assertSameTree(lastSource, sftp.remote(), Trees.Detail.WHOLE_SECONDS);
    }

    private List<String> command(Path source, Path log) {
        return jar.sync(source, sshd.uri(sftp.remote()), "1", log, "--once", "--ssh-key", sshd.clientKey().toString(),
                "--known-hosts", sshd.knownHosts().toString());
    }

    /** One whole pass from {@code source}, logged to the test's log file; it must succeed. */
    private JarRuns.Finished onePass(Path source) throws Exception {
        JarRuns.Finished pass = jar.run("pass", PASS_DEADLINE, command(source, jar.logFile()));
        assertThat(pass.exitCode()).as(pass.describe()).isZero();
        return pass;
    }

    /**
     * Waits (polling every millisecond, at most 60 s) until {@code log} shows {@code count} files copied, or the run
     * has ended by itself.
     */
    private static void awaitCopies(JarRuns.Running dirsync, Path log, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (copiedLines(log) < count && dirsync.process().isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("dirsync did not log " + count + " copies within 60 s\n" + dirsync.describe());
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    /** How many files {@code log} says were copied: new, updated, or in place of a directory. */
    private static long copiedLines(Path log) {
        return JarRuns.lines(log).stream().filter(line -> line.contains(" copied new file ")
                || line.contains(" updated file ") || line.contains(" replaced directory with file ")).count();
    }

    /**
     * Waits until the server serves no session: the killed client's requests already on their way are done with,
     * so the replica is looked at as the kill left it, and the next run meets no session of the last one.
     */
    private void serverSessionsEnded(JarRuns.Finished dead) {
        Eventually.until(SESSIONS_END, "the server's sessions of the killed run to end",
                () -> sshd.sessionProcesses().isEmpty(), () -> dead.describe() + "\nsessions: "
                        + sshd.sessionProcesses());
    }
}
