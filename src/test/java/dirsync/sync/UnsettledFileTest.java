package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dirsync.fs.Cancellation;
import dirsync.fs.RelPath;
import dirsync.fs.local.LocalTree;
import dirsync.testing.LogCapture;
import dirsync.testing.SourceWrittenWhileRead;
import dirsync.testing.TwoTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A source file that changes during every copy of it (a log appended to all the time) is never installed; after
 * {@value Unsettled#PASSES} passes in a row that is an error, and with {@code --copy-unsettled} it is copied as
 * read instead. The file is changed during its copies through {@link SourceWrittenWhileRead}: the change is made
 * after the copy's first read and before its next, on the copying thread, so every copy meets it, whatever the
 * machine's load.
 */
class UnsettledFileTest {

    private static final String NEVER_SETTLED = "changed during its copy in 3 passes in a row, not copied: "
            + "app.log (source changed while it was copied; the replica has no copy of its current content: exclude it "
            + "(--exclude), let dirsync copy it as read (--copy-unsettled), or stop its writer or copy it from a "
            + "snapshot)";
    private static final String COPIED_AS_READ = "copied as read, the copy may not match any single moment "
            + "of the source: app.log (it changed during its copy in 3 passes in a row; --copy-unsettled)";
    /** Larger than a copy's buffer, so that a copy reads it in several steps. */
    private static final int LARGE = 3 << 20;

    @RegisterExtension
    final TwoTrees trees = TwoTrees.withoutReplica();

    Path log;
    SourceWrittenWhileRead written;

    @BeforeEach
    void layOut() {
        trees.src().file("app.log", "line 1\n").file("notes.txt", "settled");
        log = trees.source().resolve("app.log");
        written = SourceWrittenWhileRead.over(trees.source(), "app.log").whileRead(this::appendALine);
    }

    private void appendALine() throws IOException {
        Files.writeString(log, "another line\n", StandardOpenOption.APPEND);
    }

    /** The writer goes on: the file grows now, and again during every copy. */
    private void resumeWriting() throws IOException {
        appendALine();
        written.whileRead(this::appendALine);
    }

    private Synchronizer mirror(SyncOptions options) {
        return new Synchronizer(written, LocalTree.at(trees.replica()), options, Clock.systemUTC(), PassHooks.NONE);
    }

    private Synchronizer mirror() {
        return mirror(SyncOptions.defaults());
    }

    private static SyncOptions copyingUnsettled() {
        return SyncOptions.defaults().withCopyUnsettled(true);
    }

    /** The errors counted by each of {@code passes} passes of {@code mirror}. */
    private static List<Long> errorsOf(Synchronizer mirror, int passes) {
        List<Long> errors = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            errors.add(mirror.runPass(Cancellation.NEVER).errors());
        }
        return errors;
    }

    @Test
    void aFileThatChangesDuringItsCopyInThreePassesInARowIsAnErrorThatSaysWhatToDo() {
        Synchronizer mirror = mirror();
        try (LogCapture lines = new LogCapture()) {
            PassSummary first = mirror.runPass(Cancellation.NEVER);
            PassSummary second = mirror.runPass(Cancellation.NEVER);
            PassSummary third = mirror.runPass(Cancellation.NEVER);

            assertThat(Stream.of(first, second, third).map(PassSummary::errors)).containsExactly(0L, 0L, 1L);
            assertThat(Stream.of(first, second, third).map(pass -> pass.count(Operation.CHANGING)))
                    .containsExactly(1L, 1L, 0L);
            assertThat(Stream.of(first, second, third).map(PassSummary::unsettled)).containsExactly(0L, 0L, 1L);
            assertThat(lines.messages()).contains(NEVER_SETTLED);
        }
        assertThat(trees.replica().resolve("app.log")).doesNotExist();
        assertThat(trees.replica().resolve("notes.txt")).hasContent("settled");
    }

    @Test
    void everyPassAfterTheThirdIsAnErrorTooUntilTheFileSettles() {
        assertThat(errorsOf(mirror(), 5)).containsExactly(0L, 0L, 1L, 1L, 1L);
    }

    @Test
    void aPassInWhichTheFileSettlesStartsItsCountAgain() throws IOException {
        Synchronizer mirror = mirror();
        List<Long> errors = new ArrayList<>(errorsOf(mirror, 2));
        written.leftAlone();
        PassSummary settled = mirror.runPass(Cancellation.NEVER);
        resumeWriting();
        errors.addAll(errorsOf(mirror, 3));

        assertThat(settled.count(Operation.COPIED)).as("copied once it held still").isEqualTo(1);
        assertThat(settled.errors()).isZero();
        assertThat(errors).as("2 passes, the settling one, then 3 more").containsExactly(0L, 0L, 0L, 0L, 1L);
    }

    @Test
    void aFileThatVanishesStartsItsCountAgain() throws IOException {
        Synchronizer mirror = mirror();
        List<Long> errors = new ArrayList<>(errorsOf(mirror, 2));
        Files.delete(log);
        errors.addAll(errorsOf(mirror, 1));
        Files.writeString(log, "line 1 again\n");
        errors.addAll(errorsOf(mirror, 3));

        assertThat(errors).as("2 passes, one without it, then 3 more").containsExactly(0L, 0L, 0L, 0L, 0L, 1L);
    }

    @Test
    void aFileExcludedForAPassStartsItsCountAgain() {
        Synchronizer before = mirror();
        List<Long> errors = new ArrayList<>(errorsOf(before, 2));
        Synchronizer excluding = mirror(SyncOptions.defaults().withExcludes(Excludes.of(List.of("app.log")), false));
        carryOver(before, excluding);
        errors.addAll(errorsOf(excluding, 1));
        Synchronizer after = mirror();
        carryOver(excluding, after);
        errors.addAll(errorsOf(after, 3));

        assertThat(errors).as("2 passes, one that excludes it, then 3 more").containsExactly(0L, 0L, 0L, 0L, 0L, 1L);
    }

    @Test
    void theCountSurvivesARestartThroughWhatARunSaves() {
        List<Long> errors = new ArrayList<>();
        Synchronizer earlier = null;
        for (int run = 1; run <= 3; run++) {
            Synchronizer once = mirror();
            if (earlier != null) {
                carryOver(earlier, once);
            }
            errors.addAll(errorsOf(once, 1));
            earlier = once;
        }

        assertThat(errors).as("three runs of one pass each").containsExactly(0L, 0L, 1L);
    }

    @Test
    void anInterruptedPassNeitherCountsNorBreaksTheCount() {
        Synchronizer mirror = mirror();
        List<Long> errors = new ArrayList<>(errorsOf(mirror, 2));
        PassSummary stopped = mirror.runPass(() -> true);
        errors.addAll(errorsOf(mirror, 1));

        assertThat(stopped.completed()).isFalse();
        assertThat(errors).as("2 passes, then one after the stopped one").containsExactly(0L, 0L, 1L);
    }

    @Test
    void passesOverChangedDirectoriesNeitherCountNorBreakTheCount() {
        Synchronizer mirror = mirror();
        List<PassSummary> events = new ArrayList<>();
        List<Long> errors = new ArrayList<>();
        for (int full = 1; full <= 3; full++) {
            errors.addAll(errorsOf(mirror, 1));
            events.add(mirror.runPass(Cancellation.NEVER, PassScope.builder().directory(RelPath.ROOT).build()));
        }

        assertThat(events).allSatisfy(pass -> {
            assertThat(pass.count(Operation.CHANGING)).isEqualTo(1);
            assertThat(pass.errors()).isZero();
        });
        assertThat(errors).as("three full passes, each followed by an event pass").containsExactly(0L, 0L, 1L);
    }

    @Test
    void aPassOverChangedDirectoriesThatCopiesTheFileStartsItsCountAgain() throws IOException {
        Synchronizer mirror = mirror();
        List<Long> errors = new ArrayList<>(errorsOf(mirror, 2));
        written.leftAlone();
        PassSummary event = mirror.runPass(Cancellation.NEVER, PassScope.builder().directory(RelPath.ROOT).build());
        resumeWriting();
        errors.addAll(errorsOf(mirror, 3));

        assertThat(event.count(Operation.COPIED)).isEqualTo(1);
        assertThat(errors).as("2 full passes, the event pass that copied it, 3 more").containsExactly(0L, 0L, 0L, 0L, 1L);
    }

    @Test
    void withCopyUnsettledTheFirstTwoPassesStillInstallNothingOfAChangingFile() {
        Synchronizer mirror = mirror(copyingUnsettled());
        PassSummary first = mirror.runPass(Cancellation.NEVER);
        PassSummary second = mirror.runPass(Cancellation.NEVER);

        assertThat(Stream.of(first, second).map(pass -> pass.count(Operation.CHANGING))).containsExactly(1L, 1L);
        assertThat(trees.replica().resolve("app.log")).doesNotExist();
    }

    @Test
    void withCopyUnsettledTheThirdPassInstallsExactlyWhatWasReadWithAWarningAndNoError() throws IOException {
        Files.write(log, filled('a', LARGE));
        long[] sizeAsTheCopyBegan = new long[1];
        written.whileRead(() -> {
            sizeAsTheCopyBegan[0] = Files.size(log);
            rewriteFromTheSecondMegabyte();
            appendALine();
        });
        Synchronizer mirror = mirror(copyingUnsettled());
        mirror.runPass(Cancellation.NEVER);
        mirror.runPass(Cancellation.NEVER);
        PassSummary third;
        try (LogCapture lines = new LogCapture()) {
            third = mirror.runPass(Cancellation.NEVER);
            assertThat(lines.messages()).contains(COPIED_AS_READ);
        }

        byte[] copy = Files.readAllBytes(trees.replica().resolve("app.log"));
        assertThat(third.errors()).isZero();
        assertThat(third.count(Operation.COPIED)).isEqualTo(1);
        assertThat(third.unsettled()).as("still unsettled: the copy is of no single moment").isEqualTo(1);
        assertThat(copy).as("what the copy read").isEqualTo(written.lastRead());
        assertThat(copy).as("as much as the file had when the copy began").hasSize((int) sizeAsTheCopyBegan[0]);
        assertThat(copy).as("the source now").isNotEqualTo(Files.readAllBytes(log));
    }

    @Test
    void aCopyAsReadNeverShowsAPartlyWrittenFileUnderTheFilesName() throws IOException {
        trees.rep().file("app.log", "old version\n");
        Files.write(log, filled('a', LARGE));
        List<String> seenDuringCopies = new ArrayList<>();
        written.whileRead(() -> {
            seenDuringCopies.add(Files.readString(trees.replica().resolve("app.log"), StandardCharsets.ISO_8859_1));
            rewriteFromTheSecondMegabyte();
        });
        Synchronizer mirror = mirror(copyingUnsettled());
        mirror.runPass(Cancellation.NEVER);
        mirror.runPass(Cancellation.NEVER);
        PassSummary asRead = mirror.runPass(Cancellation.NEVER);

        assertThat(asRead.count(Operation.UPDATED)).isEqualTo(1);
        assertThat(seenDuringCopies).as("the name during each copy, the last one as read")
                .containsExactly("old version\n", "old version\n", "old version\n");
        assertThat(Files.readAllBytes(trees.replica().resolve("app.log"))).isEqualTo(written.lastRead());
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void aStopDuringACopyAsReadLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        trees.rep().file("app.log", "old version\n");
        Files.write(log, filled('a', LARGE));
        AtomicBoolean stop = new AtomicBoolean();
        Synchronizer mirror = mirror(copyingUnsettled());
        mirror.runPass(Cancellation.NEVER);
        mirror.runPass(Cancellation.NEVER);
        written.whileRead(() -> {
            rewriteFromTheSecondMegabyte();
            stop.set(true);
        });

        PassSummary stopped = mirror.runPass(Cancellation.of(stop::get));

        assertThat(stopped.completed()).isFalse();
        assertThat(written.writes()).as("the copy as read had begun").isEqualTo(3);
        assertThat(trees.replica().resolve("app.log")).hasContent("old version");
        assertThat(temporaryFiles()).isEmpty();
    }

    @Test
    void aCopyAsReadOfAFileThatHeldStillStartsItsCountAgain() throws IOException {
        Synchronizer mirror = mirror(copyingUnsettled());
        mirror.runPass(Cancellation.NEVER);
        mirror.runPass(Cancellation.NEVER);
        written.leftAlone();
        PassSummary heldStill;
        try (LogCapture lines = new LogCapture()) {
            heldStill = mirror.runPass(Cancellation.NEVER);
            assertThat(lines.messages()).noneMatch(line -> line.startsWith("copied as read"));
        }
        byte[] settled = Files.readAllBytes(trees.replica().resolve("app.log"));
        byte[] sourceThen = Files.readAllBytes(log);
        resumeWriting();
        PassSummary strictAgain = mirror.runPass(Cancellation.NEVER);

        assertThat(heldStill.unsettled()).isZero();
        assertThat(settled).isEqualTo(sourceThen);
        assertThat(strictAgain.count(Operation.CHANGING)).as("its first pass of a new count: not copied").isEqualTo(1);
        assertThat(trees.replica().resolve("app.log")).hasBinaryContent(settled);
    }

    /** What a restarted run does: the next synchronizer starts from the streaks the earlier one saved. */
    private static void carryOver(Synchronizer from, Synchronizer to) {
        byte[] saved = from.exportUnsettled();
        if (saved != null) {
            assertThat(to.importUnsettled(saved)).isTrue();
        }
    }

    /** Overwrites the source file from its second MiB to its end with the next letter after what is there. */
    private void rewriteFromTheSecondMegabyte() throws IOException {
        try (FileChannel file = FileChannel.open(log, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer there = ByteBuffer.allocate(1);
            file.read(there, 1 << 20);
            char next = (char) (there.get(0) + 1);
            file.write(ByteBuffer.wrap(filled(next, (int) file.size() - (1 << 20))), 1 << 20);
        }
    }

    private static byte[] filled(char letter, int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) letter);
        return bytes;
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> all = Files.walk(trees.replica())) {
            return all.filter(path -> path.getFileName().toString().startsWith(".dirsync-")).toList();
        }
    }
}
