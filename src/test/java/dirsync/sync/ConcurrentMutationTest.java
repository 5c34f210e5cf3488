package dirsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dirsync.fs.Cancellation;
import dirsync.testing.SourceMutator;
import dirsync.testing.Trees;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Passes run back to back while another thread keeps changing the source under them: files are created,
 * appended to, truncated, overwritten, renamed and deleted, directories renamed and deleted whole, names change
 * type. A pass may meet entries that vanish or change mid-copy, but it must neither throw nor give up, and
 * once the source holds still, one more pass must make the replica its exact mirror.
 *
 * <p>The writer's choices come from a seed, printed with the counts; set {@code -Ddirsync.mutation.seed=N} to
 * replay them (the interleaving with the passes still varies from run to run).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentMutationTest {

    private static final Duration MUTATION = Duration.ofSeconds(4);
    private static final Duration WHOLE_RACE_DEADLINE = Duration.ofSeconds(60);
    private static final int TARGET_FILES = 300;
    private static final int LARGE_FILE_BYTES = 2 << 20;

    private Path source;
    private Path replica;
    private LogCapture log;
    private Race race;

    /** One race for the whole class (it takes seconds); each test checks one thing about it. */
    @BeforeAll
    void raceTheWriter(@TempDir Path temp) throws Exception {
        source = Files.createDirectories(temp.resolve("source"));
        replica = temp.resolve("replica");
        log = LogCapture.attach();
        race = race();
    }

    @AfterAll
    void detachLog() {
        if (log != null) {
            log.detach();
        }
    }

    @Test
    void noPassThrowsWhileTheSourceChanges() {
        assertThat(race.writerFailure()).as("the writer's own failure (seed %d)", race.seed()).isNull();
        assertThat(race.passes()).as("passes that ran during the changes").isGreaterThanOrEqualTo(3);
        assertThat(race.thrown()).as("what a pass threw (seed %d)", race.seed()).isEmpty();
    }

    @Test
    void everyPassRunsToItsEndWhileTheSourceChanges() {
        assertThat(race.passes()).as("passes that ran during the changes").isGreaterThanOrEqualTo(3);
        assertThat(race.incomplete()).as("passes that did not run to the end (seed %d)", race.seed()).isZero();
    }

    /**
     * The README: "A source entry that vanishes, or changes while it is being copied, is logged as a warning
     * (vanished, changing) and retried next pass; it is not an error". The writer is the only thing that goes
     * wrong here, so no pass may count an error.
     */
    @Test
    void sourceChangesDuringAPassAreReportedAsVanishedOrChangingNeverAsErrors() {
        List<String> errors = race.errorLines();
        assertThat(errors.size()).as("error lines of passes that raced the writer (seed %d), the first ones:\n%s",
                race.seed(), String.join("\n", errors.subList(0, Math.min(12, errors.size())))).isZero();
    }

    @Test
    void onceTheSourceHoldsStillOnePassMakesAnExactMirrorWithoutErrors() {
        int errorsBefore = log.errors().size();

        PassSummary settled = Mirrors.of(source, replica, false).runPass(Cancellation.NEVER);

        assertThat(settled.completed()).isTrue();
        assertThat(settled.errors()).as("errors of the pass after the changes (seed %d): %s", race.seed(),
                log.errors().subList(errorsBefore, log.errors().size())).isZero();
        Trees.assertSameTree(source, replica);
    }

    /** Runs passes back to back for as long as the writer changes the source; returns what happened. */
    private Race race() {
        long seed = Long.getLong("dirsync.mutation.seed", System.nanoTime());
        return assertTimeoutPreemptively(WHOLE_RACE_DEADLINE, () -> {
            SourceMutator mutator = new SourceMutator(source, seed, TARGET_FILES, LARGE_FILE_BYTES).populate(15, 200);
            Synchronizer synchronizer = Mirrors.of(source, replica, false);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            AtomicLong writerNanos = new AtomicLong();
            Thread writer = new Thread(() -> {
                long started = System.nanoTime();
                long deadline = started + MUTATION.toNanos();
                try {
                    for (long step = 1; !stop.get() && System.nanoTime() - deadline < 0; step++) {
                        mutator.step();
                        if (step % 4 == 0) {
                            TimeUnit.MILLISECONDS.sleep(1); // room for the pass on a two-core machine
                        }
                    }
                } catch (Throwable t) {
                    writerFailure.set(t);
                } finally {
                    writerNanos.set(System.nanoTime() - started);
                }
            }, "source-writer");
            writer.setDaemon(true);

            List<String> thrown = new ArrayList<>();
            Map<Operation, Long> seen = new TreeMap<>();
            int passes = 0;
            int incomplete = 0;
            writer.start();
            while (writer.isAlive()) {
                PassSummary summary;
                try {
                    summary = synchronizer.runPass(Cancellation.NEVER);
                } catch (Throwable t) {
                    StringWriter trace = new StringWriter();
                    t.printStackTrace(new PrintWriter(trace));
                    thrown.add("pass " + (passes + 1) + " threw " + trace);
                    stop.set(true);
                    break;
                }
                passes++;
                if (!summary.completed()) {
                    incomplete++;
                }
                for (Operation operation : Operation.values()) {
                    seen.merge(operation, summary.count(operation), Long::sum);
                }
            }
            stop.set(true);
            writer.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(writer.isAlive()).as("the writer thread stopped").isFalse();

            Race race = new Race(seed, passes, incomplete, thrown, writerFailure.get(), log.errors());
            System.out.printf("ConcurrentMutationTest: seed %d, %d writer steps in %.1f s %s, tree now %d files in %d "
                            + "directories; %d passes during the changes: vanished=%d changing=%d errors=%d "
                            + "(copied=%d updated=%d replaced=%d deleted=%d deleted_dirs=%d)%n",
                    seed, mutator.counts().values().stream().mapToLong(Long::longValue).sum(), writerNanos.get() / 1e9,
                    new TreeMap<>(mutator.counts()), mutator.files(), mutator.directories(), passes,
                    seen.get(Operation.VANISHED), seen.get(Operation.CHANGING), seen.get(Operation.ERROR),
                    seen.get(Operation.COPIED), seen.get(Operation.UPDATED), seen.get(Operation.REPLACED),
                    seen.get(Operation.DELETED), seen.get(Operation.DELETED_DIRECTORY));
            if (!log.errors().isEmpty()) {
                System.out.printf("  error lines during the changes (first %d of %d):%n    %s%n",
                        Math.min(10, log.errors().size()), log.errors().size(),
                        String.join("\n    ", log.errors().subList(0, Math.min(10, log.errors().size()))));
            }
            return race;
        });
    }

    private record Race(long seed, int passes, int incomplete, List<String> thrown, Throwable writerFailure,
                        List<String> errorLines) {
    }

    /**
     * Takes the "dirsync" logger's lines for the length of a test: keeps the ERROR lines, and keeps the many
     * warnings (vanished, changing) off the console.
     */
    private static final class LogCapture extends AppenderBase<ILoggingEvent> {
        private final Logger logger = (Logger) LoggerFactory.getLogger("dirsync");
        private final List<String> errors = new ArrayList<>();
        private Level savedLevel;
        private boolean savedAdditive;

        static LogCapture attach() {
            LogCapture capture = new LogCapture();
            capture.setContext(capture.logger.getLoggerContext());
            capture.start();
            capture.savedLevel = capture.logger.getLevel();
            capture.savedAdditive = capture.logger.isAdditive();
            capture.logger.setLevel(Level.WARN);
            capture.logger.setAdditive(false);
            capture.logger.addAppender(capture);
            return capture;
        }

        @Override
        protected void append(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
                synchronized (errors) {
                    errors.add(event.getFormattedMessage());
                }
            }
        }

        List<String> errors() {
            synchronized (errors) {
                return List.copyOf(errors);
            }
        }

        void detach() {
            logger.detachAppender(this);
            logger.setLevel(savedLevel);
            logger.setAdditive(savedAdditive);
            stop();
        }
    }
}
