package dirsync.cli;

import dirsync.app.Version;
import picocli.CommandLine;

/** --version: the version the build wrote into the jar. */
final class VersionProvider implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"dirsync " + Version.current()};
    }
}
