package dirsync.app;

import dirsync.fs.Cancellation;
import dirsync.sync.LogText;
import dirsync.sync.PassScope;
import dirsync.sync.PassSummary;
import dirsync.sync.Synchronizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The passes of a run, each with its progress reports and its record in the status file (if there is one); after
 * each, a run whose remote lock another run took over, or whose replica a later connection found to be a refused
 * directory of this host, is asked to stop. A full pass and a pass over what the watch reported differ only in
 * what they ask of the synchronizer and in the record they leave.
 */
final class ReportedPasses implements Passes {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final Synchronizer synchronizer;
    private final ProgressReporter progress;
    private final Optional<StatusFile> status;
    /** The status file as the user wrote it, for the error line. */
    private final Path statusShown;
    private final ReplicaSide replica;
    private final StopSignal stop;

    ReportedPasses(Synchronizer synchronizer, ProgressReporter progress, Optional<StatusFile> status,
                   Path statusShown, ReplicaSide replica, StopSignal stop) {
        this.synchronizer = synchronizer;
        this.progress = progress;
        this.status = status;
        this.statusShown = statusShown;
        this.replica = replica;
        this.stop = stop;
    }

    @Override
    public PassSummary full() {
        return run(synchronizer::runPass, StatusFile::record);
    }

    /** The status file gets this pass's time and the watch's figures, and keeps the last full pass's counts. */
    @Override
    public PassSummary partial(PassScope scope) {
        return run(cancellation -> synchronizer.runPass(cancellation, scope), StatusFile::recordPartial);
    }

    private PassSummary run(Function<Cancellation, PassSummary> pass, Record record) {
        PassSummary summary;
        progress.passStarted();
        try {
            summary = pass.apply(Cancellation.of(stop::isRaised));
        } finally {
            progress.passEnded();
        }
        if (status.isPresent()) {
            try {
                record.write(status.get(), summary);
            } catch (IOException e) {
                LOG.error("cannot write status file '{}': {}", LogText.escape(statusShown), LogText.reason(e));
            }
        }
        stopIfLost();
        return summary;
    }

    private void stopIfLost() {
        if (replica.refusal().isPresent()) {
            LOG.error("stopping: {}", replica.refusal().get().getMessage());
            stop.raise();
        } else if (replica.lost().isPresent()) {
            LOG.error("stopping: another dirsync took this replica over");
            stop.raise();
        }
    }

    /** How a pass is written to the status file. */
    @FunctionalInterface
    private interface Record {
        void write(StatusFile status, PassSummary summary) throws IOException;
    }
}
