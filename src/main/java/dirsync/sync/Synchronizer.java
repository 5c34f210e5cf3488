package dirsync.sync;

import dirsync.fs.Backup;
import dirsync.fs.Cancellation;
import dirsync.fs.Md5;
import dirsync.fs.Progress;
import dirsync.fs.ReplicaFeatures;
import dirsync.fs.ReplicaTree;
import dirsync.fs.SourceTree;
import dirsync.fs.Work;
import java.time.Clock;
import java.time.Duration;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * Makes a replica tree an exact mirror of a source tree, one pass at a time. It wires the parts of a pass (the
 * {@link Walk}, the {@link DirectoryStep} with its {@link Planner}, {@link ContentCheck} and {@link CopyScheduler},
 * the {@link DeletionPhase} with its {@link DeletionGuard}s) and keeps what outlives a pass: the verified-hash
 * memory, the helper threads and the progress counters. It never asks what kind of trees it has: a dry run, a
 * local directory or a remote one are all a {@link ReplicaTree}.
 *
 * <p>An error on one entry is logged and counted, and the pass goes on. The source is only read, and only the
 * replica tree changes the replica.
 */
public final class Synchronizer {

    private final SourceTree source;
    private final ReplicaTree replica;
    /** What the replica offers beyond the required changes, asked once. */
    private final ReplicaFeatures features;
    private final SyncOptions options;
    private final Clock clock;
    private final Progress progress = new Progress();
    private final Md5 md5 = new Md5(progress);
    /** The verified-hash memory, or null when it is off or the trees cannot tell a file's state apart. */
    private final VerifiedPairs verified;
    /** Where each source entry was, to find moves: null without the memory or a replica that renames. */
    private final Whereabouts places;
    private final DirectoryStep step;
    private final List<DeletionGuard> guards;
    private final Unsettled unsettled = new Unsettled();
    private long passes;

    public Synchronizer(SourceTree source, ReplicaTree replica, SyncOptions options) {
        this(source, replica, options, Clock.systemUTC(), PassHooks.NONE);
    }

    /** With the clock that stamps each pass (its start, its backup directory, which files are too recent to trust). */
    public Synchronizer(SourceTree source, ReplicaTree replica, SyncOptions options, Clock clock) {
        this(source, replica, options, clock, PassHooks.NONE);
    }

    Synchronizer(SourceTree source, ReplicaTree replica, SyncOptions options, Clock clock, PassHooks hooks) {
        this.source = source;
        this.replica = replica;
        this.options = options;
        this.clock = clock;
        this.features = replica.features();
        if (options.backupDir().isPresent() && features.backups().isEmpty()) {
            // The run refuses it before it starts (an sftp:// replica with --backup-dir): never a pass that cannot.
            throw new IllegalArgumentException("backups asked for, but " + replica.describe() + " keeps none");
        }
        ReplicaFeatures.Tuning tuning = features.tuning();
        boolean identities = source.capabilities().stableIdentity() && replica.capabilities().stableIdentity();
        this.verified = options.rememberHashes() && identities ? new VerifiedPairs() : null;
        this.places = verified != null && features.renames().isPresent() ? new Whereabouts() : null;
        ContentCheck contentCheck = options.compare() == SyncOptions.Compare.QUICK
                ? ContentCheck.quick(tuning.timeGrain())
                : new ChecksumCheck(new Hashing(progress, tuning.concurrentReads(), features.hashesAhead()), verified,
                        hooks);
        this.step = new DirectoryStep(contentCheck, new CopyScheduler(progress, tuning.concurrentWrites()),
                new Finishes(tuning.concurrentDirectoryChanges()),
                new DirectoryCreations(tuning.concurrentDirectoryChanges()), hooks, tuning.concurrentReads(),
                tuning.comparisonsTrail());
        this.guards = DeletionGuard.from(options);
    }

    /**
     * Starts the verified-hash memory from what an earlier run saved; returns whether anything was taken. The places
     * of {@link Whereabouts} follow the verified pairs, where an earlier run saved them.
     */
    public boolean importHashMemory(byte[] saved) {
        long length = VerifiedPairs.savedLength(saved);
        if (verified == null || length < 0) {
            return false; // off, or not well formed (or of an earlier format): refused
        }
        if (places != null && length < saved.length
                && !places.fromBytes(ByteBuffer.wrap(saved, (int) length, saved.length - (int) length).slice())) {
            return false; // damaged: nothing of it is taken
        }
        if (!verified.fromBytes(Arrays.copyOf(saved, (int) length))) {
            if (places != null) {
                places.clear();
            }
            return false;
        }
        return true;
    }

    /** The verified-hash memory for the next run (its places after it), or null when it is off. Between passes. */
    public byte[] exportHashMemory() {
        if (verified == null) {
            return null;
        }
        byte[] pairs = verified.toBytes();
        return places == null ? pairs : places.toBytes(pairs);
    }

    /**
     * Starts the streaks of files found changing pass after pass from what an earlier run saved; returns whether
     * they were taken (they are ignored if damaged).
     */
    public boolean importUnsettled(byte[] saved) {
        return unsettled.fromBytes(saved);
    }

    /**
     * The streaks of files found changing pass after pass, for the next run, or null when there are none. Call
     * between passes only.
     */
    public byte[] exportUnsettled() {
        return unsettled.isEmpty() ? null : unsettled.toBytes();
    }

    /** The live counters of the running pass (or of the last one), for progress reports from another thread. */
    public Progress progress() {
        return progress;
    }

    /** Runs one full pass, logs its summary line, and returns the summary. */
    public PassSummary runPass(Cancellation cancellation) {
        return runPass(cancellation, PassScope.everything());
    }

    /**
     * Runs a pass over {@code scope} and returns its summary. A full pass is numbered and always logs its summary
     * line; a pass over part of the tree logs a short one only if it changed something or met an error.
     */
    public PassSummary runPass(Cancellation cancellation, PassScope scope) {
        boolean full = scope.isEverything();
        long number = full ? ++passes : passes;
        Instant started = clock.instant();
        long startNanos = System.nanoTime();
        progress.restart();
        PassReport report = new PassReport(features.tuning().reportPrefix(), () -> features.broken().isPresent());
        Unsettled.Pass settling = unsettled.begin(full, options.copyUnsettled());
        boolean completed = true;
        boolean reached = false;
        try {
            if (features.connection().isPresent()) {
                features.connection().get().beginPass();
            }
            reached = true;
            // A lost connection ends the pass as a stop request would, instead of failing entry after entry.
            Cancellation stopOrLost = () -> cancellation.isRequested() || features.broken().isPresent();
            Optional<Backups.Destination> backup = options.backupDir().map(dir -> new Backups.Destination(
                    Backup.forPass(dir, started), features.backups().orElseThrow()));
            PassContext pass = new PassContext(source, replica, options, report, stopOrLost, started,
                    new Backups(backup, stopOrLost),
                    new HardLinks(options.hardLinks() ? features.hardLinks() : Optional.empty()),
                    new Work(stopOrLost, md5, progress), settling,
                    options.compare() == SyncOptions.Compare.QUICK ? null : verified, new Moves(places, full));
            Walk.run(pass, step, guards, scope);
        } catch (IOException unreachable) {
            report.passFailure(Texts.CANNOT_REACH_REPLICA, unreachable);
            completed = false;
        } catch (CancellationException stop) {
            completed = false;
        }
        // The one error of a lost replica: whatever failed after the loss was not counted (see PassReport).
        Optional<IOException> lost = reached ? features.broken() : Optional.empty();
        if (lost.isPresent()) {
            report.passFailure(Texts.LOST_REPLICA, lost.get());
            completed = false;
        }
        if (verified != null) {
            verified.passEnded(completed && full);
        }
        if (places != null) {
            places.passEnded(completed && full);
        }
        unsettled.end(settling, completed);
        PassSummary summary = report.summary(started, Duration.ofNanos(System.nanoTime() - startNanos), completed,
                unsettled.count());
        if (full) {
            report.summaryLine(number, summary, cancellation.isRequested());
        } else {
            report.partialSummaryLine(scope.size(), summary, cancellation.isRequested());
        }
        return summary;
    }
}
