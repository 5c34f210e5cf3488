package dirsync.fs.sftp;

/**
 * The server did not accept any of the keys offered (or offers no login by key). The host key was checked first,
 * so it was the right server. The user must fix it: the public key in the server's {@code authorized_keys}, the
 * user name, or the key given.
 */
public class AuthenticationFailedException extends SshSetupException {

    private static final long serialVersionUID = 1L;

    public AuthenticationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
