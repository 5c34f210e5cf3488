package dirsync.it;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.CuttingRelay;
import dirsync.testing.Eventually;
import dirsync.testing.OpenSshServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The connection to a real OpenSSH server lost at any point of a copy, the sync and the renames included: a
 * {@link CuttingRelay} between dirsync and sshd cuts it after exactly N bytes from dirsync, for N spread over a whole
 * pass's bytes: one at a random byte of each of {@value #CUTS} slices of them, from a seeded {@link Random} (printed;
 * {@code -Ddirsync.cut.seed=N} replays a run), so the cut's place in the conversation does not depend on the
 * machine's load. Cuts alternate between first copies and passes that change every file. Each time the
 * replica holds under every real name its old or its new content, whole, and dirsync's temporary files as the only
 * debris; the next pass completes the mirror and leaves none. This is what a user sees, however the copies are sent.
 */
class SftpConnectionCutIT {

    /** Cuts in first copies and as many in passes that change every file. */
    private static final int CUTS = 8;
    /** The part of a whole pass's bytes the cuts are spread over. */
    private static final double SPAN = 0.95;
    private static final long MIB = KillTrees.MIB;
    private static final Duration PASS_DEADLINE = Duration.ofSeconds(120);
    private static final Duration SESSIONS_END = Duration.ofSeconds(30);

    @RegisterExtension
    final JarToOpenSsh sftp = new JarToOpenSsh();
    private final DirsyncJar jar = sftp.jar();
    private final OpenSshServer sshd = sftp.server();

    private Path knownHosts() {
        return jar.tmp().resolve("known_hosts");
    }

    @Test
    void aConnectionCutAtAnyByteOfAPassLeavesOnlyWholeFilesAndTheNextPassCompletesTheMirror() throws Exception {
        Path treeA = jar.tmp().resolve("A");
        Path treeB = jar.tmp().resolve("B");
        // Big files to be cut mid-write, and 90 small ones, which take about half the bytes and most requests.
        KillTrees.layOut(treeA, 'A', new long[] {MIB + 5, 2 * MIB}, 15);
        KillTrees.layOut(treeB, 'B', new long[] {2 * MIB, MIB - 3}, 15);
        ReplicaVersions allowed = new ReplicaVersions();
        allowed.add(treeA);
        allowed.add(treeB);

        // The bytes dirsync sends in a whole first copy of A, and in a whole pass from B over A.
        long firstCopyBytes = relayedPass(treeA, CuttingRelay.NEVER).upstream();
        long changeBytes = relayedPass(treeB, CuttingRelay.NEVER).upstream();
        Trees.assertSameTree(treeB, sftp.remote(), Trees.Detail.WHOLE_SECONDS);

        long seed = Long.getLong("dirsync.cut.seed", System.nanoTime());
        System.out.printf("SftpConnectionCutIT: seed %d (replay with -Ddirsync.cut.seed=%d)%n", seed, seed);
        Random random = new Random(seed);
        int cutShort = 0;
        int copiesCut = 0;
        Map<String, String> torn = new TreeMap<>();
        for (int cut = 1; cut <= 2 * CUTS; cut++) {
            boolean firstCopy = cut % 2 == 1;
            if (Files.exists(sftp.remote())) {
                Trees.deleteRecursively(sftp.remote());
            }
            Path source = firstCopy ? treeA : treeB;
            if (!firstCopy) {
                copyTree(treeA, sftp.remote()); // the replica holds A: every file of B changes one
            }
            // The pass's bytes in CUTS slices (the last ends short of the pass's end, which varies a little with the
            // hashing's batches), a cut at a random byte of each: the first in the connection's start.
            long whole = firstCopy ? firstCopyBytes : changeBytes;
            double slice = (cut - 1) / 2 + random.nextDouble();
            long after = (long) (whole * SPAN * slice / CUTS);
            RelayedRun run = relayedRun(source, after);
            if (run.relay().cuts() > 0) {
                cutShort++;
                assertThat(run.finished().exitCode()).as("a pass whose connection was cut\n%s",
                        run.finished().describe()).isNotZero();
            }
            serverSessionsEnded(run.finished());
            ReplicaVersions.Inspection state = allowed.inspect(sftp.remote());
            copiesCut += state.temporary().isEmpty() ? 0 : 1;
            for (String problem : state.problems()) {
                torn.putIfAbsent(problem, "the connection cut after " + after + " of " + whole + " bytes of a "
                        + (firstCopy ? "first copy of A" : "pass from B over A") + " (seed " + seed + ")");
            }

            JarRuns.Finished next = relayedPass(source, CuttingRelay.NEVER).finished();
            assertThat(JarRuns.tempFiles(sftp.remote())).as("temporary files after the pass that followed cut %d", cut)
                    .isEmpty();
            Trees.assertSameTree(source, sftp.remote(), Trees.Detail.WHOLE_SECONDS);
            assertThat(next.exitCode()).isZero();
        }
        System.out.printf("SftpConnectionCutIT: a first copy sends %d bytes, a pass of changes %d; cuts %d of %d, "
                + "leaving a temporary file %d, torn files %d (seed %d)%n", firstCopyBytes, changeBytes, cutShort,
                2 * CUTS, copiesCut, torn.size(), seed);

        assertThat(torn).as("files under a real name holding neither its old nor its new content").isEmpty();
        // Every cut is placed well before the end of a whole pass's bytes; one that did not cut proves nothing.
        assertThat(cutShort).as("connections cut").isEqualTo(2 * CUTS);
        assertThat(copiesCut).as("cuts that left a copy half made").isPositive();
    }

    /** A run through a relay that cuts its connection after {@code cutAfter} bytes; what the relay counted. */
    private record RelayedRun(JarRuns.Finished finished, CuttingRelay relay) {
        long upstream() {
            return relay.upstream();
        }
    }

    /** A --once pass from {@code source} through a relay cutting after {@code cutAfter} bytes, which must succeed. */
    private RelayedRun relayedPass(Path source, long cutAfter) throws Exception {
        RelayedRun run = relayedRun(source, cutAfter);
        assertThat(run.finished().exitCode()).as(run.finished().describe()).isZero();
        return run;
    }

    private RelayedRun relayedRun(Path source, long cutAfter) throws Exception {
        try (CuttingRelay relay = CuttingRelay.to(sshd.port(), cutAfter)) {
            trustThrough(relay);
            String uri = "sftp://" + OpenSshServer.USER + "@" + OpenSshServer.ADDRESS + ":" + relay.port()
                    + sftp.remote().toAbsolutePath();
            JarRuns.Finished finished = jar.run("cut", PASS_DEADLINE, jar.sync(source, uri, "1", jar.logFile(),
                    "--once", "--ssh-key", sshd.clientKey().toString(), "--known-hosts", knownHosts().toString()));
            return new RelayedRun(finished, relay);
        }
    }

    /** The server's host key, known at the relay's port. */
    private void trustThrough(CuttingRelay relay) throws IOException {
        String line = sshd.knownHostsLine();
        Files.writeString(knownHosts(), "[" + OpenSshServer.ADDRESS + "]:" + relay.port() + line.substring(
                line.indexOf(' ')) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Waits until the server serves no session, so the replica is looked at as the cut left it. */
    private void serverSessionsEnded(JarRuns.Finished run) {
        Eventually.until(SESSIONS_END, "the server's sessions of the cut run to end",
                () -> sshd.sessionProcesses().isEmpty(), () -> run.describe() + "\nsessions: "
                        + sshd.sessionProcesses());
    }

    /** {@code from}'s files copied to {@code to} as they are (times, modes), as a pass would have left them. */
    private static void copyTree(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        Process cp = new ProcessBuilder("cp", "-a", from + "/.", to.toString()).inheritIO().start();
        assertThat(cp.waitFor()).as("cp -a").isZero();
    }
}
