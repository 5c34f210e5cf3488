package dirsync.app;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How an {@code s3://bucket[/prefix]} REPLICA argument is read, and which options a replica in an object store
 * refuses. The bucket's name follows S3's rules (3 to 63 of lowercase letters, digits, '.' and '-', a letter or digit
 * at each end, no "..", not an IP address); the prefix is taken as written (an S3 key is text: no %-escapes), with a
 * trailing '/' or none, but no empty, "." or ".." part.
 */
final class ObjectAddress {

    static final String SCHEME = Address.OBJECT_STORE;
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    private ObjectAddress() {
    }

    /**
     * The replica an {@code s3://} argument names.
     *
     * @param inapplicable the first option given that cannot apply to an object store, as typed; or null
     * @param environment  what the store's client is configured from
     */
    static Replica.InBucket replica(String arg, String inapplicable, Map<String, String> environment)
            throws InvalidSettingsException {
        String rest = arg.substring(SCHEME.length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        String problem = bucketProblem(bucket);
        if (problem != null) {
            throw new InvalidSettingsException("replica '" + arg + "': " + problem);
        }
        if (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        if (!path.isEmpty()) {
            for (String part : path.split("/", -1)) {
                if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                    throw new InvalidSettingsException("replica '" + arg + "': the prefix after the bucket may not "
                            + "have an empty, '.' or '..' part (write s3://" + bucket + "/dir/sub)");
                }
            }
        }
        if (inapplicable != null) {
            throw new InvalidSettingsException(inapplicable + " cannot be used with an s3:// replica: " + why(
                    inapplicable));
        }
        return new Replica.InBucket(bucket, path.isEmpty() ? "" : path + "/", environment);
    }

    /** What is wrong with a bucket's name by S3's rules, or null. */
    static String bucketProblem(String bucket) {
        if (bucket.isEmpty()) {
            return "no bucket named (write s3://bucket or s3://bucket/prefix)";
        }
        if (!BUCKET.matcher(bucket).matches() || bucket.contains("..") || IP.matcher(bucket).matches()) {
            String lower = bucket.toLowerCase(Locale.ROOT);
            return "'" + bucket + "' is not a bucket name: S3's are 3 to 63 characters of lowercase letters, digits, "
                    + "'.' and '-', with a letter or digit at each end, no '..', not an IP address"
                    + (!lower.equals(bucket) && BUCKET.matcher(lower).matches() ? " (write '" + lower + "')" : "");
        }
        return null;
    }

    private static String why(String option) {
        return switch (option) {
            case "--backup-dir" -> "an object store keeps no backups of dirsync's (use the bucket's versioning)";
            case "--no-owner", "--no-group" -> "the source's owner and group are always kept there as metadata "
                    + "(uid, gid), never given to anyone";
            default -> "it applies to an sftp:// replica only";
        };
    }
}
