package dirsync.fs.local;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.testing.Eventually;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files made durable together: how many file-system syncs a group of written files costs, which sync each one
 * waits for, that a writer does not wait for it, that a file is installed only once durable, and that a failed
 * sync falls back to each file's own fsync. The files are real (in a directory on
 * this machine's ext4 or other disk file system); the sync is the real command behind a counter.
 */
class GroupSyncTest {

    @TempDir
    Path dir;

    final ExecutorService writers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    /** The real sync command, counted; an optional gate holds the first call until the test opens it. */
    static final class CountedSync implements FileSystemSync {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch firstStarted = new CountDownLatch(1);
        final CountDownLatch releaseFirst;
        final boolean fail;

        CountedSync(boolean holdFirst, boolean fail) {
            this.releaseFirst = new CountDownLatch(holdFirst ? 1 : 0);
            this.fail = fail;
        }

        @Override
        public void sync(Path onDevice) throws IOException {
            int call = calls.incrementAndGet();
            if (call == 1) {
                firstStarted.countDown();
                try {
                    releaseFirst.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            if (fail) {
                throw new IOException("sync: refused");
            }
            FileSystemSync.command().orElseThrow().sync(onDevice);
        }
    }

    private GroupSync group(CountedSync sync) throws IOException {
        assertThat(new SyncTargets().of(Files.createFile(dir.resolve("probe"))))
                .as("the test directory is on a disk file system whose syncfs is trusted").isPresent();
        return new GroupSync(new SyncTargets(), sync, TimeUnit.MILLISECONDS.toNanos(20), 1);
    }

    /** Writes a file and waits until the durability has installed it (renamed it into place). */
    private Future<Path> write(Durability durability, String name) {
        return writers.submit(() -> writeAndAwait(durability.begin(), name));
    }

    @Test
    void aCopyBegunBeforeTheSyncStartsIsWaitedForThoughItIsWrittenLater() throws Exception {
        CountedSync sync = new CountedSync(false, false);
        GroupSync group = new GroupSync(new SyncTargets(), sync, TimeUnit.SECONDS.toNanos(30), 1);
        Durability.Copy late = group.begin();
        CompletableFuture<Long> first = handOver(group.begin(), "first");
        awaitTheCommitterGathering(); // it has seen "first" and waits for the copy begun before it was handed over
        assertThat(first).isNotDone();
        assertThat(sync.calls.get()).isZero();
        writeAndAwait(late, "late");
        first.get(10, TimeUnit.SECONDS);
        assertThat(dir.resolve("first")).exists();
        assertThat(sync.calls.get()).as("one sync for both: \"first\" was not synced alone").isEqualTo(1);
    }

    @Test
    void aWriterGoesOnWhileTheFileItHandedOverWaitsForTheSync() throws Exception {
        CountedSync sync = new CountedSync(true, false);
        GroupSync group = group(sync);
        CompletableFuture<Long> first = handOver(group.begin(), "first");
        assertThat(sync.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Long> second = handOver(group.begin(), "second"); // returns while the sync is held
        assertThat(first).isNotDone();
        assertThat(dir.resolve("first")).doesNotExist();
        sync.releaseFirst.countDown();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertThat(dir.resolve("first")).exists();
        assertThat(dir.resolve("second")).exists();
    }

    @Test
    void aFileThatCannotBeMadeDurableIsNeverInstalled() throws Exception {
        CountedSync sync = new CountedSync(true, true);
        GroupSync group = group(sync);
        CompletableFuture<Long> lost = handOver(group.begin(), "lost");
        assertThat(sync.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        Files.delete(dir.resolve("lost.tmp")); // the sync fails, and the file cannot be forced alone either
        sync.releaseFirst.countDown();
        assertThat(lost).failsWithin(10, TimeUnit.SECONDS);
        assertThat(dir.resolve("lost")).doesNotExist();
    }

    /**
     * Waits until this test's committer thread waits on its gathering condition: it has taken the files handed over
     * and found a copy still being written. (Its one other wait, for a next round, comes only after a sync.)
     */
    private static void awaitTheCommitterGathering() {
        Eventually.until(Duration.ofSeconds(30), "the committer to wait for the copy still being written",
                () -> Thread.getAllStackTraces().entrySet().stream().anyMatch(thread -> thread.getKey().getName()
                        .equals("dirsync-sync") && thread.getKey().getState() == Thread.State.TIMED_WAITING
                        && Stream.of(thread.getValue()).anyMatch(frame -> frame.getMethodName().equals("commitRounds"))
                        && Stream.of(thread.getValue()).anyMatch(frame -> frame.getMethodName().equals("awaitNanos"))),
                () -> "");
    }

    /** Writes {@code name}.tmp and hands it over; once durable it is renamed to {@code name}. */
    private CompletableFuture<Long> handOver(Durability.Copy copy, String name) throws IOException {
        Path temp = dir.resolve(name + ".tmp");
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(name.getBytes(StandardCharsets.US_ASCII)));
            copy.written(temp, out);
        }
        return copy.whenDurable(() -> {
            Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            return name.length();
        });
    }

    private Path writeAndAwait(Durability.Copy copy, String name) throws Exception {
        handOver(copy, name).get(10, TimeUnit.SECONDS);
        assertThat(dir.resolve(name)).hasContent(name);
        return dir.resolve(name);
    }

    @Test
    void fewerFilesThanTheSmallestGroupForceThemselvesWithoutASync() throws Exception {
        CountedSync sync = new CountedSync(false, false);
        GroupSync group = new GroupSync(new SyncTargets(), sync, TimeUnit.SECONDS.toNanos(30), 3);
        Durability.Copy second = group.begin();
        Future<Path> first = writers.submit(() -> writeAndAwait(group.begin(), "first"));
        assertThat(writeAndAwait(second, "second")).exists();
        assertThat(first.get(10, TimeUnit.SECONDS)).exists();
        assertThat(sync.calls.get()).isZero();
        List<Future<Path>> three = new ArrayList<>();
        List<Durability.Copy> begun = List.of(group.begin(), group.begin(), group.begin());
        for (int i = 0; i < 3; i++) {
            Durability.Copy copy = begun.get(i);
            String name = "group" + i;
            three.add(writers.submit(() -> writeAndAwait(copy, name)));
        }
        for (Future<Path> file : three) {
            assertThat(file.get(10, TimeUnit.SECONDS)).exists();
        }
        assertThat(sync.calls.get()).as("three ready together: one sync, and the group is not given up").isEqualTo(1);
    }

    @Test
    void aFileWrittenWhileASyncRunsWaitsForTheNextOne() throws Exception {
        CountedSync sync = new CountedSync(true, false);
        GroupSync group = group(sync);
        Future<Path> first = write(group, "first");
        assertThat(sync.firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Long> second = handOver(group.begin(), "second"); // written and handed over
        assertThat(second).as("waits while the first sync is held").isNotDone();
        sync.releaseFirst.countDown();
        first.get(10, TimeUnit.SECONDS);
        second.get(10, TimeUnit.SECONDS);
        assertThat(sync.calls.get()).isEqualTo(2);
    }

    @Test
    void aFailedSyncMakesEachFileForceItselfFromThenOn() throws Exception {
        CountedSync sync = new CountedSync(false, true);
        GroupSync group = group(sync);
        assertThat(write(group, "first").get(10, TimeUnit.SECONDS)).exists();
        assertThat(write(group, "second").get(10, TimeUnit.SECONDS)).exists();
        assertThat(sync.calls.get()).as("no second try after a failure").isEqualTo(1);
    }

    @Test
    void anAbandonedFileDoesNotHoldTheOthersSync() throws Exception {
        CountedSync sync = new CountedSync(false, false);
        GroupSync group = group(sync);
        Durability.Copy abandoned = group.begin();
        abandoned.abandon();
        Durability.Copy failedAfterWriting = group.begin();
        Path half = dir.resolve("half");
        try (FileChannel out = FileChannel.open(half, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            failedAfterWriting.written(half, out);
        }
        failedAfterWriting.abandon();
        failedAfterWriting.abandon(); // twice: no effect
        assertThat(write(group, "kept").get(10, TimeUnit.SECONDS)).exists();
        assertThat(sync.calls.get()).isEqualTo(1);
    }

    @Test
    void aFileOnTmpfsIsForcedAloneWithoutASync() throws Exception {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && Files.getFileStore(shm).type().equals("tmpfs"),
                "needs a tmpfs at /dev/shm");
        CountedSync sync = new CountedSync(false, false);
        GroupSync group = new GroupSync(new SyncTargets(), sync, TimeUnit.SECONDS.toNanos(30), 1);
        Durability.Copy waitsForADisk = group.begin(); // a copy to ext4 begun and not written: a sync would wait
        Path tmpfsDir = Files.createTempDirectory(shm, "groupsync");
        Path file = tmpfsDir.resolve("f");
        try {
            assertThat(new SyncTargets().of(Files.createFile(file))).isEqualTo(Optional.empty());
            Files.delete(file);
            Durability.Copy copy = group.begin();
            try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap(new byte[] {1}));
                copy.written(file, out);
            }
            // At once, on this thread: forced alone, neither gathering nor waiting for the other copy.
            assertThat(copy.whenDurable(() -> 1L)).isCompletedWithValue(1L);
            assertThat(sync.calls.get()).isZero();
        } finally {
            waitsForADisk.abandon();
            Files.deleteIfExists(file);
            Files.delete(tmpfsDir);
        }
    }

    @Test
    void aCopyThatIsNeverWrittenHoldsTheOthersNoLongerThanTheGathering() throws Exception {
        CountedSync sync = new CountedSync(false, false);
        GroupSync group = new GroupSync(new SyncTargets(), sync, TimeUnit.MILLISECONDS.toNanos(200), 1);
        Durability.Copy stuck = group.begin(); // a large file still being written, say
        try {
            assertThat(write(group, "ready").get(10, TimeUnit.SECONDS)).exists();
            assertThat(sync.calls.get()).as("synced without the copy still being written").isEqualTo(1);
        } finally {
            stuck.abandon();
        }
    }

    @Test
    void aDirectoryWithANameTheCommandCannotTakeIsNamedByAPlainParent() throws Exception {
        Path odd = Files.createDirectory(dir.resolve("caf\u00e9 \n"));
        Optional<SyncTargets.Target> target = new SyncTargets().of(Files.createFile(odd.resolve("f")));
        assertThat(target).isPresent();
        assertThat(target.get().path()).isEqualTo(dir);
        assertThat(FileSystemSync.plain(target.get().path())).isTrue();
    }

    @Test
    void groupSyncsNeedLinux58OrLater() {
        assertThat(GroupSync.kernelReportsSyncErrors("Linux", "6.18.44-fc-v669")).isTrue();
        assertThat(GroupSync.kernelReportsSyncErrors("Linux", "5.8.0")).isTrue();
        assertThat(GroupSync.kernelReportsSyncErrors("Linux", "5.15.0-91-generic")).isTrue();
        assertThat(GroupSync.kernelReportsSyncErrors("Linux", "5.7.19")).isFalse();
        assertThat(GroupSync.kernelReportsSyncErrors("Linux", "4.19.0-18-amd64")).isFalse();
        assertThat(GroupSync.kernelReportsSyncErrors("Linux", "")).isFalse();
        assertThat(GroupSync.kernelReportsSyncErrors("Mac OS X", "23.1.0")).isFalse();
    }
}
