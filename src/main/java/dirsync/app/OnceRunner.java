package dirsync.app;

import dirsync.fs.SourceTree;
import dirsync.sync.PassSummary;

/** {@code --once}: one full pass, whose outcome is the exit code (1 if it failed an entry or did not end). */
final class OnceRunner implements Runner {

    private final SourceTree source;

    OnceRunner(SourceTree source) {
        this.source = source;
    }

    @Override
    public SourceTree source() {
        return source;
    }

    @Override
    public String startText() {
        return ", one pass";
    }

    @Override
    public int run(Passes passes, StopSignal stop) {
        PassSummary summary = passes.full();
        return summary.completed() && summary.errors() == 0 ? ExitCode.OK : ExitCode.ENTRIES_FAILED;
    }
}
