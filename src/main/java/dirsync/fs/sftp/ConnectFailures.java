package dirsync.fs.sftp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** One-line messages, naming host and port, for a connection that could not be made or a login that failed. */
final class ConnectFailures {

    private ConnectFailures() {
    }

    /**
     * The TCP connection failed: an exception of the same kind (refused, timed out, other) with a message for
     * people. The host was not reached, which may pass.
     */
    static IOException unreachable(SshTarget target, Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof java.net.SocketException)
                && !(cause instanceof SocketTimeoutException) && !(cause instanceof InterruptedByTimeoutException)) {
            cause = cause.getCause();
        }
        String prefix = "cannot connect to " + target.address() + ": ";
        IOException unreachable;
        if (cause instanceof ConnectException) {
            unreachable = new ConnectException(prefix + lowerFirst(cause.getMessage())
                    + " (is an SSH server listening there?)");
        } else if (cause instanceof SocketTimeoutException || cause instanceof InterruptedByTimeoutException) {
            unreachable = new SocketTimeoutException(prefix + "no answer in time");
        } else {
            unreachable = new IOException(prefix + lowerFirst(cause.getMessage() == null
                    ? cause.getClass().getSimpleName() : cause.getMessage()));
        }
        unreachable.initCause(failure);
        return unreachable;
    }

    /** The server refused every key offered. */
    static String refusedKeys(SshTarget target, ClientKeys.Loaded keys) {
        String files = keys.files().stream().map(Path::toString).collect(Collectors.joining(", "));
        String skipped = keys.skipped().isEmpty() ? ""
                : "; " + keys.skipped().size() + " other key file(s) could not be used, the first: "
                        + keys.skipped().get(0);
        return "cannot log in to " + target.describe() + ": the server did not accept the key " + files
                + "; add its public key (" + (keys.files().size() == 1 ? files + ".pub" : "the .pub file")
                + ") to ~/.ssh/authorized_keys of " + target.user() + " on the server, or give another with"
                + " --ssh-key FILE" + skipped;
    }

    private static String lowerFirst(String text) {
        if (text == null || text.isEmpty()) {
            return "failed";
        }
        return text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))
                ? Character.toLowerCase(text.charAt(0)) + text.substring(1) : text;
    }
}
