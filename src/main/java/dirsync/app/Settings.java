package dirsync.app;

import ch.qos.logback.core.util.FileSize;
import dirsync.fs.sftp.SshOptions;
import dirsync.sync.Excludes;
import dirsync.sync.LogText;
import dirsync.sync.SyncOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything a run needs, checked: built by {@link #validate}, which looks at the paths and reads the exclude
 * files but writes nothing, so that a mistake costs one line on stderr and touches nothing.
 *
 * @param source         real path of the source directory
 * @param replica        the replica: a local directory's real path (or where it will be created), or a remote one
 * @param logFile        real path of the log file, or where it will be created
 * @param interval       time between the end of one pass and the start of the next
 * @param once           run one pass, then end
 * @param dryRun         change nothing, only tell what would be done
 * @param options        how a pass behaves beyond mirroring (guards, excludes, backups, comparison)
 * @param owners         give replica entries the source's owner (takes effect when run as root)
 * @param groups         give replica entries the source's group (as root; otherwise where the user is a member)
 * @param xattrs         carry the {@code user.*} extended attributes of files and directories
 * @param statusFile     real path of the status file, if one was asked for
 * @param logRolling     how the log file rolls over
 * @param verbose        debug lines too
 * @param quiet          console: warnings and errors only
 * @param progressEvery  how often a long pass logs a progress line
 * @param interactive    whether the console is a terminal that can show a live progress line
 * @param state          where the lock file and the hash memory live (see {@link StateFiles})
 * @param asGiven        the paths as the user spelled them, for the messages that name them so
 * @param watchDelay     in watch mode, how long changes are gathered before a pass over them; empty: no watching
 */
public record Settings(Path source, Replica replica, Path logFile, Duration interval, boolean once, boolean dryRun,
                       SyncOptions options, boolean owners, boolean groups, boolean xattrs,
                       Optional<Path> statusFile, LogRolling logRolling, boolean verbose,
                       boolean quiet, Duration progressEvery, boolean interactive, StatePlaces state,
                       AsGiven asGiven, Optional<Duration> watchDelay) {

    /**
     * In watch mode, --max-delete counts the deletions of all passes of the last hour together, and a refusal holds
     * every deletion back for an hour.
     */
    public static final Duration WATCH_DELETE_WINDOW = Duration.ofHours(1);

    /** Paths as given on the command line (the status file: null if none). */
    public record AsGiven(Path source, String replica, Path logFile, Path statusFile) {
    }

    public Settings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(replica, "replica");
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(statusFile, "statusFile");
        Objects.requireNonNull(logRolling, "logRolling");
        Objects.requireNonNull(progressEvery, "progressEvery");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(asGiven, "asGiven");
        Objects.requireNonNull(watchDelay, "watchDelay");
    }

    public boolean watch() {
        return watchDelay.isPresent();
    }

    /**
     * Checks a request in given surroundings and returns the settings of a run.
     *
     * @throws InvalidSettingsException with a one-line message for the user, if anything is wrong
     */
    public static Settings validate(Request request, Surroundings surroundings) throws InvalidSettingsException {
        // The ranges first: they read nothing.
        OptionRules.checkInterval(request.interval);
        OptionRules.checkWatchDelay(request.watchDelay);
        OptionRules.checkLogRolling(request.logMaxSize, request.logMaxFiles);
        OptionRules.checkMaxDelete(request.maxDelete);
        Roots roots;
        Replica replica;
        Excludes rules;
        Path realStatusFile = null;
        Path realBackupDir = null;
        StatePlaces state;
        try {
            Path source = Address.localSource(request.source);
            if (Address.inObjectStore(request.replica)) {
                replica = ObjectAddress.replica(request.replica, request.inapplicableToObjects(),
                        surroundings.environment());
                roots = Roots.validateWithRemoteReplica(source, request.logFile);
            } else if (Address.remoteReplica(request.replica)) {
                if (request.backupDir != null) {
                    throw new InvalidSettingsException("--backup-dir cannot be used with an sftp:// replica: the "
                            + "backups would have to be kept on the other host");
                }
                replica = Replica.Remote.parse(request.replica, SshOptions.defaults(surroundings.home())
                        .withAcceptNewHostKey(request.acceptNewHostKey), request.sshKey, request.knownHosts,
                        request.sshConfig);
                roots = Roots.validateWithRemoteReplica(source, request.logFile);
            } else {
                roots = Roots.validate(source, Path.of(request.replica), request.logFile);
                replica = new Replica.Local(roots.replica());
            }
            realStatusFile = roots.besidesTheTrees(request.statusFile, surroundings.state().lockDirectory());
            state = roots.memoryOutsideTheTrees(surroundings.state());
            if (request.backupDir != null) {
                realBackupDir = roots.outsideDirectory(request.backupDir, "backup directory");
            }
            rules = Excludes.of(ExcludeFiles.patterns(request.excludes, request.excludeFiles));
        } catch (InvalidSettingsException | IllegalArgumentException e) {
            throw new InvalidSettingsException(LogText.escape(e.getMessage()));
        } catch (IOException e) {
            throw new InvalidSettingsException("cannot read exclude file: " + LogText.reason(e));
        }
        if (request.logFile.toString().contains("%")) {
            throw new InvalidSettingsException("log file name must not contain '%' (it names the rolled-over files)");
        }
        if (request.watch && request.once) {
            throw new InvalidSettingsException("--watch and --once exclude each other: watching needs a running "
                    + "dirsync");
        }
        if (!request.dryRun && replica instanceof Replica.Local) {
            try {
                roots.requireReplicaCreatable(Path.of(request.replica));
            } catch (InvalidSettingsException e) {
                throw new InvalidSettingsException(LogText.escape(e.getMessage()));
            }
        }
        SyncOptions options = new SyncOptions(request.allowEmptySource, request.maxDelete, rules,
                request.deleteExcluded, Optional.ofNullable(realBackupDir), request.rememberHashes, request.compare,
                request.hardLinks, request.watch ? WATCH_DELETE_WINDOW : Duration.ZERO, request.copyUnsettled);
        return new Settings(roots.source(), replica, roots.logFile(), request.interval, request.once,
                request.dryRun, options, request.owners, request.groups, request.xattrs, Optional.ofNullable(realStatusFile),
                new LogRolling(request.logMaxSize, request.logMaxFiles), request.verbose, request.quiet,
                surroundings.progressEvery(), surroundings.interactive(), state,
                new AsGiven(Path.of(request.source), request.replica, request.logFile, request.statusFile),
                request.watch ? Optional.of(request.watchDelay) : Optional.empty());
    }

    /**
     * What the user asked for, unchecked: the four arguments, then the options, each with its default of
     * {@link OptionRules} until set.
     */
    public static final class Request {
        private final String source;
        private final String replica;
        private final Duration interval;
        private final Path logFile;
        private boolean once;
        private boolean dryRun;
        private OptionalLong maxDelete = OptionalLong.empty();
        private boolean allowEmptySource;
        private List<String> excludes = List.of();
        private List<Path> excludeFiles = List.of();
        private boolean deleteExcluded;
        private Path backupDir;
        private Path statusFile;
        private FileSize logMaxSize = OptionRules.DEFAULT_LOG_MAX_SIZE;
        private int logMaxFiles = OptionRules.LOG_MAX_FILES_DEFAULT;
        private SyncOptions.Compare compare = OptionRules.DEFAULT_COMPARE;
        private boolean owners = true;
        private boolean hardLinks = true;
        private boolean xattrs = true;
        private boolean groups = true;
        private boolean rememberHashes = true;
        private boolean copyUnsettled;
        private boolean quiet;
        private boolean verbose;
        private boolean watch;
        private Duration watchDelay = OptionRules.DEFAULT_WATCH_DELAY;
        private Path sshKey;
        private Path knownHosts;
        private Path sshConfig;
        private boolean acceptNewHostKey;

        /** The four arguments, SOURCE and REPLICA as given (REPLICA may be {@code sftp://...} or {@code s3://...}). */
        public Request(String source, String replica, Duration interval, Path logFile) {
            this.source = Objects.requireNonNull(source, "source");
            this.replica = Objects.requireNonNull(replica, "replica");
            this.interval = Objects.requireNonNull(interval, "interval");
            this.logFile = Objects.requireNonNull(logFile, "logFile");
        }

        /** The first option given that an s3:// replica cannot take, as typed; or null. */
        private String inapplicableToObjects() {
            return backupDir != null ? "--backup-dir" : sshKey != null ? "--ssh-key" : knownHosts != null
                    ? "--known-hosts" : sshConfig != null ? "--ssh-config" : acceptNewHostKey ? "--accept-new-host-key"
                    : !owners ? "--no-owner" : !groups ? "--no-group" : null;
        }

        public Request once(boolean on) {
            once = on;
            return this;
        }

        /**
         * How to reach an sftp:// replica: a key file, a known_hosts file and an ssh config file (each null for
         * the user's own in ~/.ssh), and whether an unknown host's key is added to known_hosts.
         */
        public Request ssh(Path key, Path knownHostsFile, Path configFile, boolean acceptNew) {
            sshKey = key;
            knownHosts = knownHostsFile;
            sshConfig = configFile;
            acceptNewHostKey = acceptNew;
            return this;
        }

        /** Watch the source, and gather its changes for {@code delay} before a pass over them. */
        public Request watch(boolean on, Duration delay) {
            watch = on;
            watchDelay = Objects.requireNonNull(delay, "delay");
            return this;
        }

        public Request dryRun(boolean on) {
            dryRun = on;
            return this;
        }

        /** @param limit the most entries a pass may delete, or null for no limit */
        public Request maxDelete(Long limit) {
            maxDelete = limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
            return this;
        }

        public Request allowEmptySource(boolean on) {
            allowEmptySource = on;
            return this;
        }

        public Request excludes(List<String> patterns, List<Path> patternFiles, boolean deleteThem) {
            excludes = List.copyOf(patterns);
            excludeFiles = List.copyOf(patternFiles);
            deleteExcluded = deleteThem;
            return this;
        }

        /** @param dir where deleted and overwritten entries are kept, or null for no backup */
        public Request backupDir(Path dir) {
            backupDir = dir;
            return this;
        }

        /** @param file where the figures of each pass go, or null for none */
        public Request statusFile(Path file) {
            statusFile = file;
            return this;
        }

        public Request logRolling(FileSize maxSize, int maxFiles) {
            logMaxSize = Objects.requireNonNull(maxSize, "maxSize");
            logMaxFiles = maxFiles;
            return this;
        }

        public Request compare(SyncOptions.Compare how, boolean rememberVerifiedPairs) {
            compare = Objects.requireNonNull(how, "how");
            rememberHashes = rememberVerifiedPairs;
            return this;
        }

        /** Whether replica entries get the source's owner and group (as far as this user may give them). */
        public Request ownership(boolean ownersOn, boolean groupsOn) {
            owners = ownersOn;
            groups = groupsOn;
            return this;
        }

        /** Whether the {@code user.*} extended attributes are carried. */
        public Request xattrs(boolean on) {
            xattrs = on;
            return this;
        }

        /** Whether a file found changing during its copy pass after pass is copied as read (with a warning). */
        public Request copyUnsettled(boolean on) {
            copyUnsettled = on;
            return this;
        }

        /** Whether source files that share an inode share one in the replica too. */
        public Request hardLinks(boolean on) {
            hardLinks = on;
            return this;
        }

        public Request console(boolean verboseOn, boolean quietOn) {
            verbose = verboseOn;
            quiet = quietOn;
            return this;
        }
    }
}
