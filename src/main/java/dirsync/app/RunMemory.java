package dirsync.app;

import dirsync.sync.LogText;
import dirsync.sync.Synchronizer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run takes over from the run before it and leaves to the next, next to the lock ({@link StateFiles}): the
 * pairs verified earlier (the hash memory, unless {@code --no-hash-cache}), so that a cron job's next run need not
 * hash them again, and the files found changing pass after pass, so that three {@code --once} runs are three
 * passes in a row; then the memory files of replicas no run has saved for a month are removed. A dry run reads the
 * pairs but saves nothing, and leaves the counts alone. A file that cannot be
 * read or written costs a warning, never the run.
 */
final class RunMemory {

    private static final Logger LOG = LoggerFactory.getLogger("dirsync");

    private final StateFiles state;
    private final Synchronizer synchronizer;
    private final boolean pairs;
    private final Effects effects;

    /**
     * @param pairs   whether verified pairs are remembered at all
     * @param effects whether the run leaves its state (a dry run saves nothing)
     */
    RunMemory(StateFiles state, Synchronizer synchronizer, boolean pairs, Effects effects) {
        this.state = state;
        this.synchronizer = synchronizer;
        this.pairs = pairs;
        this.effects = effects;
    }

    /** Before the first pass: takes what an earlier run saved. */
    void recall() {
        if (pairs) {
            recallVerifiedPairs();
        }
        if (effects.leavesState()) {
            recallUnsettled();
        }
    }

    /** After the last pass: saves it for the next run. */
    void keep() {
        if (!effects.leavesState()) {
            return;
        }
        if (pairs) {
            keepVerifiedPairs();
        }
        keepUnsettled();
        try {
            int removed = state.pruneUnused(Instant.now());
            if (removed > 0) {
                LOG.debug("removed {} memory files of replicas no run has saved for {} days", removed,
                        StateFiles.UNUSED.toDays());
            }
        } catch (IOException e) {
            LOG.debug("cannot look for memory files of replicas no longer run: {}", LogText.reason(e));
        }
    }

    private void recallVerifiedPairs() {
        Path memory = state.memoryFile();
        try {
            Optional<byte[]> saved = state.readMemory();
            if (saved.isPresent() && synchronizer.importHashMemory(saved.get())) {
                LOG.debug("took the pairs verified by an earlier run from '{}'", LogText.escape(memory));
            }
        } catch (IOException e) {
            LOG.warn("ignored the verified pairs in '{}' (this run hashes them again): {}", LogText.escape(memory),
                    LogText.reason(e));
        }
    }

    private void keepVerifiedPairs() {
        byte[] memory = synchronizer.exportHashMemory();
        if (memory == null) {
            return; // off for this replica (its entries carry no identity: an object store)
        }
        try {
            state.writeMemory(memory);
        } catch (IOException e) {
            LOG.warn("cannot save the verified pairs to '{}' (the next run hashes them again): {}",
                    LogText.escape(state.memoryFile()), LogText.reason(e));
        }
    }

    private void recallUnsettled() {
        try {
            Optional<byte[]> saved = state.readUnsettled();
            if (saved.isPresent() && !synchronizer.importUnsettled(saved.get())) {
                throw new IOException("it is damaged");
            }
        } catch (IOException e) {
            LOG.warn("ignored '{}' (files that kept changing start counting again): {}",
                    LogText.escape(state.unsettledFile()), LogText.reason(e));
        }
    }

    private void keepUnsettled() {
        try {
            byte[] streaks = synchronizer.exportUnsettled();
            if (streaks == null) {
                state.forgetUnsettled();
            } else {
                state.writeUnsettled(streaks);
            }
        } catch (IOException e) {
            LOG.warn("cannot save the files that kept changing to '{}' (the next run counts them again): {}",
                    LogText.escape(state.unsettledFile()), LogText.reason(e));
        }
    }
}
