package dirsync.cli;

import dirsync.app.LogbackProvider;
import dirsync.app.StopSignal;

/** Entry point: builds the command line and runs it; everything else lives behind {@link DirsyncCommand}. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        LogbackProvider.choose(); // first: before any class asks SLF4J for a logger
        System.exit(DirsyncCommand.commandLine(new StopSignal().onTerminationSignals()).execute(args));
    }
}
