package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGKILL at any moment of a pass: whatever the replica holds under a real name afterwards is a whole file,
 * either the old version or the new one, never a mix or a prefix; temporary files are the only debris, and one
 * more pass cleans them up and completes the mirror.
 *
 * <p>Two source trees, A and B, have the same names with different content in every file (and a few entries that
 * change type or exist on one side only). Passes alternate between them, so every pass rewrites files the
 * previous pass may have left half done, and each is killed after a random delay within one pass's duration.
 * The delays come from a seeded {@link Random}; the seed is printed and can be set with
 * {@code -Ddirsync.kill.seed=N} to replay a run.
 */
class KillAnywhereIT {

    private static final int KILLS = 40;
    private static final int MOVE_KILLS = 12;
    private static final long MIB = KillTrees.MIB;
    private static final Duration PASS_DEADLINE = Duration.ofSeconds(60);
    private static final Duration DEATH_DEADLINE = Duration.ofSeconds(10);

    @RegisterExtension
    final DirsyncJar jar = new DirsyncJar();

    @Test
    void sigkillAtAnyMomentLeavesOnlyWholeFilesAndOneMorePassCompletesTheMirror() throws Exception {
        long started = System.nanoTime();
        Path treeA = jar.tmp().resolve("A");
        Path treeB = jar.tmp().resolve("B");
        // Big files at the top, in the middle and deep down: in each directory files are copied before the walk
        // descends, so the pass alternates between copying big files and many small ones.
        KillTrees.layOut(treeA, 'A', new long[] {40 * MIB + 123, 48 * MIB, 64 * MIB - 7, 36 * MIB}, 34);
        KillTrees.layOut(treeB, 'B', new long[] {40 * MIB + 123, 56 * MIB + 5, 32 * MIB, 64 * MIB}, 34);
        ReplicaVersions allowed = new ReplicaVersions();
        allowed.add(treeA);
        allowed.add(treeB);
        Duration layOutTime = Duration.ofNanos(System.nanoTime() - started);

        // One whole pass each way, unkilled: the longer one bounds the kill delays.
        JarRuns.Finished first = onePass(treeA);
        assertThat(first.exitCode()).as(first.describe()).isZero();
        JarRuns.Finished second = onePass(treeB);
        assertThat(second.exitCode()).as(second.describe()).isZero();
        Trees.assertSameTree(treeB, jar.replica());
        long passMillis = JarRuns.longestPassMillis(jar.logFile());

        long seed = Long.getLong("dirsync.kill.seed", System.nanoTime());
        System.out.printf("KillAnywhereIT: seed %d (replay with -Ddirsync.kill.seed=%d), a whole pass takes %d ms, "
                + "trees laid out in %d ms%n", seed, seed, passMillis, layOutTime.toMillis());
        Random random = new Random(seed);

        int midPass = 0;
        int copiesCut = 0;
        Set<Path> temporarySeen = new HashSet<>();
        Map<String, String> torn = new TreeMap<>(); // each torn version once, with the first kill that showed it
        Path lastSource = treeB;
        for (int kill = 1; kill <= KILLS; kill++) {
            lastSource = kill % 2 == 1 ? treeA : treeB;
            Path killLog = jar.tmp().resolve("logs").resolve(String.format("kill-%02d.log", kill));
            JarRuns.Running dirsync = jar.start("kill",
                    jar.sync(lastSource, jar.replica(), "1", killLog, "--once"));
            // The delay counts from the start of the pass (the log's first line), not of the JVM, so that kills
            // spread over the pass itself.
            JarRuns.awaitPassStart(dirsync, killLog);
            long delay = (long) (random.nextDouble() * passMillis);
            TimeUnit.MILLISECONDS.sleep(delay);
            dirsync.process().destroyForcibly(); // SIGKILL on Linux
            JarRuns.Finished dead = dirsync.awaitExit(DEATH_DEADLINE);
            // 128 + 9: the kill ended it; otherwise it had finished its pass by itself.
            boolean killedMidPass = dead.exitCode() == 137;
            if (killedMidPass) {
                midPass++;
            } else {
                assertThat(dead.exitCode()).as("a pass that ended by itself\n%s", dead.describe()).isZero();
            }
            ReplicaVersions.Inspection state = allowed.inspect(jar.replica());
            if (temporarySeen.addAll(state.temporary())) {
                copiesCut++; // a new temporary file: the kill cut a copy short
            }
            for (String problem : state.problems()) {
                torn.putIfAbsent(problem, "kill " + kill + ", " + delay + " ms into a pass from "
                        + lastSource.getFileName() + (killedMidPass ? "" : " (after the pass had ended)"));
            }
        }

        JarRuns.Finished last = onePass(lastSource);
        Duration total = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("KillAnywhereIT: kills tried %d, hit mid-pass %d, cut a copy short %d, torn files %d "
                + "(seed %d, pass %d ms, whole test %.1f s)%n", KILLS, midPass, copiesCut, torn.size(), seed,
                passMillis, total.toMillis() / 1000.0);

        assertThat(torn).as("files under a real name that are neither A's nor B's version (seed %d)", seed).isEmpty();
        // Kills that all landed after the pass would prove nothing: at least a quarter must interrupt one.
        assertThat(midPass).as("kills that interrupted a pass (seed %d, pass %d ms)", seed, passMillis)
                .isGreaterThanOrEqualTo(KILLS / 4);
        assertThat(last.exitCode()).as(last.describe()).isZero();
        assertThat(JarRuns.tempFiles(jar.replica()))
                .as("temporary files after a complete pass\n%s", last.describe())
                .isEmpty();
        Trees.assertSameTree(lastSource, jar.replica());
    }

    /**
     * The moves case: a replica synced with the hash memory kept (one state directory for all the runs), then the
     * source reorganised by renames (a directory renamed, files moved across directories, a file moved and another
     * changed), then a pass killed, then one that completes. The source flips between two layouts, X and Y, each
     * round, so every killed pass has moves to make. Half the kills come a random delay into the pass, half as soon
     * as the log shows the k-th move (k at random): those land between moves without resting on timing, since each
     * moved big file is then read on both sides before the next move.
     */
    @Test
    void sigkillDuringAPassWithMovesLeavesEveryNameWholeAndTheNextPassCompletesTheMirror() throws Exception {
        Path source = jar.source();
        layOutForMoves(source);
        ReplicaVersions allowed = new ReplicaVersions();
        allowed.add(source);
        JarRuns.Finished first = onePass(source);
        assertThat(first.exitCode()).as(first.describe()).isZero();
        Trees.assertSameTree(source, jar.replica());

        // One unkilled pass of moves (X to Y): how many moves a pass makes, and how long it takes.
        reorganise(source, true);
        allowed.add(source);
        Path measureLog = jar.tmp().resolve("logs").resolve("moves.log");
        JarRuns.Finished measured = jar.run("moves", PASS_DEADLINE,
                jar.sync(source, jar.replica(), "1", measureLog, "--once"));
        assertThat(measured.exitCode()).as(measured.describe()).isZero();
        Trees.assertSameTree(source, jar.replica());
        int movesPerPass = movedLines(measureLog);
        // The directory, the big file and the six notes across directories, the report into docs/old.
        assertThat(movesPerPass).as("moves logged in %s", measureLog).isEqualTo(9);
        long passMillis = JarRuns.longestPassMillis(measureLog);

        long seed = Long.getLong("dirsync.kill.seed", System.nanoTime());
        System.out.printf("KillAnywhereIT (moves): seed %d (replay with -Ddirsync.kill.seed=%d), a pass of %d moves "
                + "takes %d ms%n", seed, seed, movesPerPass, passMillis);
        Random random = new Random(seed);

        int midPass = 0;
        int movesCut = 0; // killed mid-pass with some moves made and some not
        Map<String, String> torn = new TreeMap<>();
        boolean layoutY = true;
        for (int kill = 1; kill <= MOVE_KILLS; kill++) {
            layoutY = !layoutY;
            reorganise(source, layoutY);
            Path killLog = jar.tmp().resolve("logs").resolve(String.format("moves-kill-%02d.log", kill));
            JarRuns.Running dirsync = jar.start("moves-kill", jar.sync(source, jar.replica(), "1", killLog, "--once"));
            JarRuns.awaitPassStart(dirsync, killLog);
            String moment;
            if (kill % 2 == 0) {
                long delay = (long) (random.nextDouble() * passMillis);
                TimeUnit.MILLISECONDS.sleep(delay);
                moment = delay + " ms into the pass";
            } else {
                int after = 1 + random.nextInt(movesPerPass - 1);
                awaitMoves(dirsync, killLog, after);
                moment = "after move " + after;
            }
            dirsync.process().destroyForcibly(); // SIGKILL on Linux
            JarRuns.Finished dead = dirsync.awaitExit(DEATH_DEADLINE);
            boolean killedMidPass = dead.exitCode() == 137;
            int moved = movedLines(killLog);
            if (killedMidPass) {
                midPass++;
                if (moved > 0 && moved < movesPerPass) {
                    movesCut++;
                }
            } else {
                assertThat(dead.exitCode()).as("a pass that ended by itself\n%s", dead.describe()).isZero();
            }
            for (String problem : allowed.inspect(jar.replica()).problems()) {
                torn.putIfAbsent(problem, "kill " + kill + ", " + moment + " (" + moved + " moves logged) towards "
                        + (layoutY ? "Y" : "X") + (killedMidPass ? "" : " (after the pass had ended)"));
            }

            JarRuns.Finished next = onePass(source);
            assertThat(next.exitCode()).as("the pass after kill %d (seed %d)\n%s", kill, seed, next.describe())
                    .isZero();
            assertThat(JarRuns.tempFiles(jar.replica()))
                    .as("temporary files after the pass that followed kill %d (seed %d)", kill, seed)
                    .isEmpty();
            Trees.assertSameTree(source, jar.replica());
        }
        System.out.printf("KillAnywhereIT (moves): kills %d, hit mid-pass %d, between moves %d, torn files %d "
                + "(seed %d)%n", MOVE_KILLS, midPass, movesCut, torn.size(), seed);

        assertThat(torn).as("files under a real name holding neither its old nor its new content (seed %d)", seed)
                .isEmpty();
        // Kills that never caught a pass with some moves made and some not would prove nothing about moves.
        assertThat(movesCut).as("kills between two moves of a pass (seed %d)", seed).isPositive();
    }

    /**
     * The moves tree in layout X: a directory to be renamed (with a big file in it), a big file and six notes to
     * move across directories, a big report to move down a level, a draft that changes, and files that stay.
     */
    private static void layOutForMoves(Path root) throws IOException {
        Trees.Builder builder = Trees.at(root);
        KillTrees.bigFile(builder.path("photos/big-photo.bin"), 'X', "photos/big-photo.bin", 48 * MIB + 11);
        KillTrees.bigFile(builder.path("inbox/big-in.bin"), 'X', "inbox/big-in.bin", 40 * MIB);
        KillTrees.bigFile(builder.path("docs/report.bin"), 'X', "docs/report.bin", 32 * MIB - 5);
        for (int i = 0; i < 20; i++) {
            String photo = String.format("photos/small-%02d.jpg", i);
            builder.file(photo, KillTrees.content('X', photo, 64 + 997 * i));
        }
        for (int i = 0; i < 6; i++) {
            String note = String.format("inbox/note-%d.txt", i);
            builder.file(note, KillTrees.content('X', note, 300 + 1000 * i));
        }
        builder.file("archive/keep.txt", KillTrees.content('X', "archive/keep.txt", 400));
        builder.file("docs/old/keep.txt", KillTrees.content('X', "docs/old/keep.txt", 500));
        builder.file("docs/draft.txt", KillTrees.content('X', "docs/draft.txt", 7000));
        builder.file("stays.txt", KillTrees.content('X', "stays.txt", 900));
        KillTrees.setTimes(root, Instant.parse("2025-03-04T05:06:07.5Z"));
    }

    /** Renames the source into layout Y ({@code toY}) or back into X, and changes the draft's content. */
    private static void reorganise(Path root, boolean toY) throws IOException {
        List<String[]> moves = new ArrayList<>();
        moves.add(new String[] {"photos", "album"});
        moves.add(new String[] {"inbox/big-in.bin", "archive/big-in.bin"});
        for (int i = 0; i < 6; i++) {
            moves.add(new String[] {"inbox/note-" + i + ".txt", "archive/note-" + i + ".txt"});
        }
        moves.add(new String[] {"docs/report.bin", "docs/old/report.bin"});
        for (String[] move : moves) {
            Files.move(root.resolve(toY ? move[0] : move[1]), root.resolve(toY ? move[1] : move[0]));
        }
        Path draft = root.resolve("docs/draft.txt");
        Files.write(draft, KillTrees.content(toY ? 'Y' : 'X', "docs/draft.txt", toY ? 7500 : 7000));
        Files.setLastModifiedTime(draft, FileTime.from(Instant.parse(toY ? "2025-05-06T07:08:09Z"
                : "2025-03-04T05:06:07Z")));
    }

    /** How many {@code moved file} and {@code moved directory} lines {@code log} has. */
    private static int movedLines(Path log) {
        return (int) JarRuns.lines(log).stream()
                .filter(line -> line.contains(" moved file ") || line.contains(" moved directory "))
                .count();
    }

    /**
     * Waits (polling every millisecond, at most 20 s) until {@code log} shows {@code count} moves or the pass
     * has ended by itself.
     */
    private static void awaitMoves(JarRuns.Running dirsync, Path log, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (movedLines(log) < count && dirsync.process().isAlive()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("dirsync did not log " + count + " moves within 20 s\n"
                        + dirsync.describe());
            }
            TimeUnit.MILLISECONDS.sleep(1);
        }
    }

    /** One whole pass from {@code source} to the replica, logged to the test's log file. */
    private JarRuns.Finished onePass(Path source) throws IOException {
        return jar.run("pass", PASS_DEADLINE, jar.sync(source, jar.replica(), "1", jar.logFile(), "--once"));
    }
}
