package dirsync.fs.sftp;

import java.io.IOException;

/**
 * Connecting failed for a reason the user must fix in the SSH setup (a key file, known_hosts, the ssh config, the
 * server's authorized keys): trying again will not help. Its message is one line for people. Other
 * {@link IOException}s from {@link SshConnector#connect} mean the host could not be reached or the connection
 * broke, which may pass.
 */
public class SshSetupException extends IOException {

    private static final long serialVersionUID = 1L;

    public SshSetupException(String message) {
        super(message);
    }

    public SshSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
