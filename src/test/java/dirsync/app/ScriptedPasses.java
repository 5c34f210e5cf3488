package dirsync.app;

import dirsync.sync.Operation;
import dirsync.sync.PassScope;
import dirsync.sync.PassSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Passes for a runner's tests: a full pass does what the test says (which may throw); so does a partial one. */
final class ScriptedPasses implements Passes {

    private final Runnable full;
    private final Runnable partial;
    private final PassSummary summary;

    private ScriptedPasses(Runnable full, Runnable partial, PassSummary summary) {
        this.full = full;
        this.partial = partial;
        this.summary = summary;
    }

    /** Each full pass runs {@code full} and then reports a pass that completed without errors. */
    static ScriptedPasses full(Runnable full) {
        return new ScriptedPasses(full, () -> {
            throw new AssertionError("no partial pass expected");
        }, summary(true, 0));
    }

    /** Each full pass does nothing and reports {@code summary}. */
    static ScriptedPasses reporting(PassSummary summary) {
        return new ScriptedPasses(() -> { }, () -> { }, summary);
    }

    static PassSummary summary(boolean completed, long errors) {
        return new PassSummary(Instant.EPOCH, Map.of(Operation.ERROR, errors), 0, Duration.ZERO,
                completed);
    }

    @Override
    public PassSummary full() {
        full.run();
        return summary;
    }

    @Override
    public PassSummary partial(PassScope scope) {
        partial.run();
        return summary;
    }
}
