package dirsync.app;

import dirsync.fs.sftp.SftpLocation;
import dirsync.fs.sftp.SshOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the replica is: a local directory, a directory on another host reached over SFTP, or a prefix of a bucket in an
 * object store.
 */
public sealed interface Replica {

    /** How log lines, messages and the status file name it. */
    String display();

    /** A local directory: its real path (or where it will be created). */
    record Local(Path path) implements Replica {
        @Override
        public String display() {
            return path.toString();
        }

        /** A URI for it ({@code file:///...}): what names the files kept about it (see StateFiles). */
        public String uri() {
            String uri = path.toUri().toString();
            return uri.endsWith("/") && uri.length() > "file:///".length() ? uri.substring(0, uri.length() - 1) : uri;
        }
    }

    /** A directory on another host, and how to reach it. */
    record Remote(SftpLocation location, SshOptions ssh) implements Replica {

        /**
         * The replica {@code argument} ({@code sftp://...}) reached with {@code defaults}, changed by the files
         * given on the command line (each null if not given).
         */
        static Remote parse(String argument, SshOptions defaults, Path key, Path knownHosts, Path config)
                throws InvalidSettingsException {
            SftpLocation location = SftpLocation.parse(argument);
            if (!location.pathIsUtf8()) {
                throw new InvalidSettingsException("the path of an sftp:// replica must be UTF-8 once its "
                        + "%-escapes are decoded: " + location);
            }
            SshOptions ssh = key == null ? defaults : defaults.withKeyFile(key.toAbsolutePath());
            ssh = new SshOptions(ssh.home(), ssh.keyFile(),
                    knownHosts == null ? ssh.knownHosts() : knownHosts.toAbsolutePath(),
                    config == null ? ssh.config() : config.toAbsolutePath(), ssh.acceptNewHostKey(),
                    ssh.connectTimeout());
            return new Remote(location, ssh);
        }

        @Override
        public String display() {
            return location.toString();
        }

        /** A URI for it ({@code sftp://...}): what names the files kept about it (see StateFiles). */
        public String uri() {
            return location.toString();
        }
    }

    /**
     * The keys under {@code prefix} (empty: the whole bucket, else ending in '/') of a bucket in an object store,
     * reached as the AWS CLI would reach it with {@code environment} (see {@link ObjectRun}).
     */
    record InBucket(String bucket, String prefix, Map<String, String> environment) implements Replica {

        public InBucket {
            environment = Map.copyOf(environment);
        }

        /** Not the environment's values: they may hold secrets. */
        @Override
        public String toString() {
            return display();
        }

        @Override
        public String display() {
            return ObjectAddress.SCHEME + bucket + (prefix.isEmpty() ? "" : "/" + prefix.substring(0,
                    prefix.length() - 1));
        }

        /**
         * What names the files kept about it (see StateFiles): the address, and the endpoint the client was configured
         * with ({@code AWS_ENDPOINT_URL_S3}, {@code AWS_ENDPOINT_URL} or the profile's {@code endpoint_url}; none for
         * AWS itself), so that one bucket name at two stores is two replicas, each with its own lock and memory.
         */
        public String uri(Optional<String> endpoint) {
            return display() + endpoint.map(url -> "?endpoint=" + url).orElse("");
        }
    }
}
