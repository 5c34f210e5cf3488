package dirsync.fs.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dirsync.fs.Entry;
import dirsync.fs.RelPath;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceChangedException;
import dirsync.fs.SourceTree;
import dirsync.fs.local.LocalTree;
import dirsync.testing.OpenSshServer;
import dirsync.testing.SourceWrittenWhileRead;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies made durable together over a real OpenSSH server that runs commands: one {@code sync -f} for every file
 * handed over meanwhile, the renames only after it succeeded; a sync that failed renames nothing, one that cannot
 * run has each file forced alone, and a connection lost between the sync and the renames leaves no torn name.
 */
class GroupInstallTest {

    @RegisterExtension
    final OpenSshServer sshd = new OpenSshServer();

    @TempDir
    Path temp;

    private Path source;
    private Path root;
    private RemoteReplica replica;
    private final ExecutorService gateThread = Executors.newSingleThreadExecutor();

    @BeforeEach
    void trees() throws IOException {
        source = Files.createDirectories(temp.resolve("source"));
        root = Files.createDirectories(temp.resolve("replica"));
        Files.writeString(source.resolve("gate"), "held open while the others are handed over");
        replica = BatchedTreeTest.replicaAt(sshd, root);
    }

    @AfterEach
    void disconnect() {
        gateThread.shutdownNow();
        replica.disconnect();
    }

    private RemoteReplica.Connection connect() throws IOException {
        RemoteReplica.Connection connection = replica.connect();
        replica.beginPass();
        return connection;
    }

    private static CompletableFuture<ReplicaTree.Installed> aside(ReplicaFeatures.GroupCommit group,
                                                                  SourceTree tree, String name) throws IOException {
        RelPath rel = RelPath.of(name);
        return group.installFileAside(tree, rel, tree.examine(rel), InstallRefusedStepsTest.work());
    }

    /**
     * {@code count} files handed over while the copy of "gate" is held in its read (so the committer waits for it),
     * then the gate let go; the commands the server started meanwhile.
     */
    private long commandsToInstall(ReplicaFeatures.GroupCommit group, String prefix, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            Files.writeString(source.resolve(prefix + i), "file " + prefix + i);
        }
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        SourceWrittenWhileRead gated = SourceWrittenWhileRead.over(source, "gate").whileRead(() -> {
            held.countDown();
            try {
                letGo.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        });
        long before = sshd.commandsStarted();
        Future<CompletableFuture<ReplicaTree.Installed>> gate = gateThread.submit(() -> aside(group, gated, "gate"));
        held.await();
        List<CompletableFuture<ReplicaTree.Installed>> copies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            copies.add(aside(group, gated, prefix + i));
        }
        assertThat(names()).as("nothing renamed before the sync").doesNotContain(prefix + "0");
        letGo.countDown();
        gate.get().join();
        for (int i = 0; i < count; i++) {
            assertThat(copies.get(i).join().bytes()).isEqualTo(("file " + prefix + i).length());
            assertThat(Files.readString(root.resolve(prefix + i))).isEqualTo("file " + prefix + i);
        }
        return sshd.commandsStarted() - before;
    }

    private List<String> names() throws IOException {
        return InstallRefusedStepsTest.names(root);
    }

    @Test
    void oneSyncCommandForEveryFileHandedOverMeanwhileHoweverManyTheyAre() throws Exception {
        GroupInstall group = groupingAll(connect());

        long few = commandsToInstall(group, "few", 3);
        Files.delete(root.resolve("gate"));
        long many = commandsToInstall(group, "many", 120);

        assertThat(few).as("commands to install 4 files").isEqualTo(1);
        assertThat(many).as("commands to install 121 files").isEqualTo(1);
        assertThat(names()).hasSize(3 + 120 + 1).allMatch(name -> !name.startsWith(".dirsync-"));
    }

    /** The group a pass uses, every copy grouped, its syncs through the connection's loop started by {@code starter}. */
    private static GroupInstall groupLooping(RemoteReplica.Connection connection, SyncLoop.Starter starter) {
        return new GroupInstall(connection.tree().installer(), new RemoteSync(connection.remote()::exec,
                new SyncLoop(starter)), 0);
    }

    @Test
    void theRoundsOfAConnectionAreSyncedByOneCommand() throws Exception {
        RemoteReplica.Connection connection = connect();
        GroupInstall group = groupLooping(connection, connection.remote()::start);

        long first = commandsToInstall(group, "a", 3);
        Files.delete(root.resolve("gate"));
        long second = commandsToInstall(group, "b", 40);
        Files.delete(root.resolve("gate"));
        long third = commandsToInstall(group, "c", 5);

        assertThat(List.of(first, second, third)).as("commands started by each round").containsExactly(1L, 0L, 0L);
        assertThat(names()).hasSize(3 + 40 + 5 + 1).allMatch(name -> !name.startsWith(".dirsync-"));
    }

    @Test
    void aRoundTheLoopReportsFailedIsFailedAndTheNextRoundStartsALoopAnew() throws Exception {
        RemoteReplica.Connection connection = connect();
        List<String> started = new ArrayList<>();
        RemoteSync sync = new RemoteSync(connection.remote()::exec, new SyncLoop((command, timeout) -> {
            started.add(command);
            return connection.remote().start(started.size() == 1 // a loop whose every sync fails
                    ? "sh -c 'while read n; do head -c \"$n\" >/dev/null; printf \"dirsync-synced 1\\n\"; done'"
                    : command, timeout);
        }));

        RemoteSync.Outcome first = sync.sync(List.of(root.toString()));
        RemoteSync.Outcome second = sync.sync(List.of(root.toString()));

        assertThat(first).isEqualTo(RemoteSync.Outcome.FAILED);
        assertThat(second).isEqualTo(RemoteSync.Outcome.SYNCED);
        assertThat(started).hasSize(2).last().isEqualTo(SyncLoop.COMMAND);
    }

    @Test
    void whatTheUsersStartUpFilesPrintBeforeTheLoopRunsIsSkipped() throws Exception {
        RemoteReplica.Connection connection = connect();
        List<String> execs = new ArrayList<>();
        RemoteSync sync = new RemoteSync((command, stdin, timeout) -> {
            execs.add(command);
            return connection.remote().exec(command, stdin, timeout);
        }, new SyncLoop((command, timeout) -> connection.remote().start("sh -c 'echo Welcome to the server; "
                + "echo; echo dirsync-synced-looking but not an answer; " + SyncLoop.SCRIPT + "'", timeout)));

        RemoteSync.Outcome first = sync.sync(List.of(root.toString()));
        RemoteSync.Outcome second = sync.sync(List.of(root.toString()));

        assertThat(List.of(first, second)).containsOnly(RemoteSync.Outcome.SYNCED);
        assertThat(execs).as("sync commands of their own").isEmpty();
    }

    @Test
    void aRoundTheLoopGivesNoAnswerIsSyncedByACommandOfItsOwn() throws Exception {
        RemoteReplica.Connection connection = connect();
        List<String> execs = new ArrayList<>();
        RemoteSync sync = new RemoteSync((command, stdin, timeout) -> {
            execs.add(command);
            return connection.remote().exec(command, stdin, timeout);
        }, new SyncLoop((command, timeout) -> connection.remote().start("sh -c 'read n; exit 0'", timeout)));

        RemoteSync.Outcome outcome = sync.sync(List.of(root.toString()));

        assertThat(outcome).isEqualTo(RemoteSync.Outcome.SYNCED);
        assertThat(execs).as("sync commands of their own").singleElement().isEqualTo(RemoteSync.COMMAND);
    }

    @Test
    void whereTheLoopCannotStartARoundRunsASyncCommandOfItsOwn() throws Exception {
        RemoteReplica.Connection connection = connect();
        GroupInstall group = groupLooping(connection, (command, timeout) -> {
            throw new java.io.IOException("refused");
        });

        long commands = commandsToInstall(group, "a", 3);

        assertThat(commands).isEqualTo(1);
        assertThat(names()).hasSize(3 + 1).allMatch(name -> !name.startsWith(".dirsync-"));
    }

    @Test
    void aLargeFileIsInstalledAloneWithItsOwnFsyncAndNoCommand() throws Exception {
        ReplicaFeatures.GroupCommit group = replica.features().groupCommit().orElseThrow();
        connect();
        try (java.nio.channels.FileChannel big = java.nio.channels.FileChannel.open(source.resolve("big"),
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            big.write(java.nio.ByteBuffer.wrap(new byte[] {1}), GroupInstall.ALONE_FROM - 1);
        }
        long before = sshd.commandsStarted();

        CompletableFuture<ReplicaTree.Installed> copy = aside(group, LocalTree.at(source), "big");

        assertThat(copy).as("installed before the call returned").isCompleted();
        assertThat(copy.join().bytes()).isEqualTo(GroupInstall.ALONE_FROM);
        assertThat(Files.size(root.resolve("big"))).isEqualTo(GroupInstall.ALONE_FROM);
        assertThat(sshd.commandsStarted()).isEqualTo(before);
    }

    /**
     * Where the server runs commands but offers no fsync@openssh.com (OpenSSH's internal-sftp -P fsync leaves it out
     * of its extensions), sync -f makes every copy durable: a pass's first and a large file too, which were installed
     * alone with an fsync the server does not offer, and failed.
     */
    @Test
    void withoutFsyncALargeFileAndAPassesFirstCopiesAreMadeDurableBySync() throws Exception {
        sshd.restartWith("Subsystem sftp internal-sftp -P fsync");
        ReplicaFeatures.GroupCommit group = replica.features().groupCommit().orElseThrow();
        RemoteReplica.Connection connection = connect();
        try (java.nio.channels.FileChannel big = java.nio.channels.FileChannel.open(source.resolve("big"),
                java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            big.write(java.nio.ByteBuffer.wrap(new byte[] {1}), GroupInstall.ALONE_FROM - 1);
        }
        Files.writeString(source.resolve("small"), "a pass's first copy");
        LocalTree tree = LocalTree.at(source);
        long before = sshd.commandsStarted();

        CompletableFuture<ReplicaTree.Installed> small = aside(group, tree, "small");
        CompletableFuture<ReplicaTree.Installed> large = aside(group, tree, "big");

        assertThat(connection.tree().capabilities().durableWrites()).as("fsync@openssh.com offered").isFalse();
        assertThat(connection.durableWrites()).isTrue();
        assertThat(connection.offers()).contains("copies are made durable by sync -f, many files a command, ");
        assertThat(small.join().bytes()).isEqualTo("a pass's first copy".length());
        assertThat(large.join().bytes()).isEqualTo(GroupInstall.ALONE_FROM);
        assertThat(Files.size(root.resolve("big"))).isEqualTo(GroupInstall.ALONE_FROM);
        assertThat(root.resolve("small")).hasContent("a pass's first copy");
        assertThat(sshd.commandsStarted() - before).as("sync commands").isPositive();
        assertThat(names()).containsExactlyInAnyOrder("big", "small");
    }

    /**
     * A group over the connection's tree whose sync runs {@code command} (a real one, on the server) instead, every
     * copy grouped (none of the pass's first alone).
     */
    private GroupInstall groupRunning(RemoteReplica.Connection connection, String command) {
        return new GroupInstall(connection.tree().installer(), new RemoteSync(
                (ignored, stdin, timeout) -> connection.remote().exec(command, stdin, timeout)), 0);
    }

    /** The group a pass uses, but every copy grouped (none of the pass's first alone). */
    private GroupInstall groupingAll(RemoteReplica.Connection connection) {
        return new GroupInstall(connection.tree().installer(), new RemoteSync(connection.remote()::exec), 0);
    }

    /**
     * A pass's first copies are installed alone, each with the fsync@openssh.com on its own train, and start no
     * command; the next ones are grouped under one sync; the next pass's first are alone again. The old group ran a
     * sync command for the first too.
     */
    @Test
    void aPassesFirstCopiesAreInstalledAloneWithoutASyncCommand() throws Exception {
        ReplicaFeatures.GroupCommit group = replica.features().groupCommit().orElseThrow();
        connect();
        LocalTree tree = LocalTree.at(source);
        for (int i = 0; i <= GroupInstall.ALONE_FIRST + 1; i++) {
            Files.writeString(source.resolve("f" + i), "file " + i);
        }
        long before = sshd.commandsStarted();

        for (int i = 0; i < GroupInstall.ALONE_FIRST; i++) {
            CompletableFuture<ReplicaTree.Installed> copy = aside(group, tree, "f" + i);
            assertThat(copy).as("copy %d installed before the call returned", i).isCompleted();
        }
        long alone = sshd.commandsStarted() - before;
        aside(group, tree, "f" + GroupInstall.ALONE_FIRST).join();
        long grouped = sshd.commandsStarted() - before - alone;
        replica.beginPass();
        CompletableFuture<ReplicaTree.Installed> nextPass = aside(group, tree, "f" + (GroupInstall.ALONE_FIRST + 1));

        assertThat(alone).as("commands for the first %d copies", GroupInstall.ALONE_FIRST).isZero();
        assertThat(grouped).as("commands for the next copy").isEqualTo(1);
        assertThat(nextPass).as("the next pass's first copy installed alone").isCompleted();
        for (int i = 0; i <= GroupInstall.ALONE_FIRST + 1; i++) {
            assertThat(Files.readString(root.resolve("f" + i))).isEqualTo("file " + i);
        }
        assertThat(names()).allMatch(name -> !name.startsWith(".dirsync-"));
    }

    @Test
    void aSyncThatFailedRenamesNothingAndLeavesNoTemporaryFileThenCopiesAreForcedAlone() throws Exception {
        RemoteReplica.Connection connection = connect();
        GroupInstall group = groupRunning(connection, "xargs -0 sync -f -- && exit 1");
        Files.writeString(root.resolve("a"), "old");
        Files.writeString(source.resolve("a"), "new a");
        Files.writeString(source.resolve("b"), "new b");
        LocalTree tree = LocalTree.at(source);

        CompletableFuture<ReplicaTree.Installed> a = aside(group, tree, "a");
        CompletableFuture<ReplicaTree.Installed> b = aside(group, tree, "b");

        assertThatThrownBy(a::join).isInstanceOf(CompletionException.class).hasMessageContaining("sync");
        assertThatThrownBy(b::join).isInstanceOf(CompletionException.class);
        assertThat(Files.readString(root.resolve("a"))).isEqualTo("old");
        assertThat(names()).containsExactly("a");

        assertThat(aside(group, tree, "b").join().bytes()).as("installed alone, with its own fsync").isEqualTo(5);
        assertThat(names()).containsExactly("a", "b");
    }

    @Test
    void whereSyncCannotRunTheFilesAreForcedOneByOneAndRenamed() throws Exception {
        RemoteReplica.Connection connection = connect();
        GroupInstall group = groupRunning(connection, "sync --no-such-option 2>/dev/null || exit 100");
        Files.writeString(root.resolve("a"), "old");
        Files.writeString(source.resolve("a"), "new a");
        LocalTree tree = LocalTree.at(source);

        assertThat(aside(group, tree, "a").join().bytes()).isEqualTo(5);

        assertThat(Files.readString(root.resolve("a"))).isEqualTo("new a");
        assertThat(names()).containsExactly("a");
    }

    @Test
    void aConnectionLostBetweenTheSyncAndTheRenamesLeavesEveryNameWithItsOldContent() throws Exception {
        RemoteReplica.Connection connection = connect();
        GroupInstall group = new GroupInstall(connection.tree().installer(), new RemoteSync((command, stdin, timeout) -> {
            ExecResult synced = connection.remote().exec(command, stdin, timeout);
            connection.remote().close(); // lost before a rename is sent
            return synced;
        }), 0);
        Files.writeString(root.resolve("a"), "old");
        Files.writeString(source.resolve("a"), "new a");
        Files.writeString(source.resolve("b"), "new b");
        LocalTree tree = LocalTree.at(source);

        CompletableFuture<ReplicaTree.Installed> a = aside(group, tree, "a");
        CompletableFuture<ReplicaTree.Installed> b = aside(group, tree, "b");

        assertThatThrownBy(a::join).isInstanceOf(CompletionException.class);
        assertThatThrownBy(b::join).isInstanceOf(CompletionException.class);
        assertThat(Files.readString(root.resolve("a"))).isEqualTo("old");
        assertThat(names()).contains("a").doesNotContain("b");
        for (String name : names()) {
            if (!name.equals("a")) {
                assertThat(name).startsWith(".dirsync-");
                assertThat(Files.readString(root.resolve(name))).as("a temporary file, whole").startsWith("new ");
            }
        }
    }

    @Test
    void aSourceChangedDuringItsCopyIsNotInstalled() throws Exception {
        GroupInstall group = groupingAll(connect());
        Files.writeString(root.resolve("a"), "old");
        Files.writeString(source.resolve("a"), "as listed");
        SourceWrittenWhileRead changing = SourceWrittenWhileRead.over(source, "a");
        Entry listed = changing.examine(RelPath.of("a"));
        changing.whileRead(() -> Files.writeString(source.resolve("a"), "changed while it was read"));

        assertThatThrownBy(() -> group.installFileAside(changing, RelPath.of("a"), listed,
                InstallRefusedStepsTest.work()).join()).isInstanceOf(SourceChangedException.class);

        assertThat(Files.readString(root.resolve("a"))).isEqualTo("old");
        assertThat(names()).containsExactly("a");
    }
}
