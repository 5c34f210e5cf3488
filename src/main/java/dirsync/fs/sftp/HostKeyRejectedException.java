package dirsync.fs.sftp;

/**
 * The server's host key was refused before anything else was sent (no login was tried). The user must act:
 * check and accept an unknown key, or find out why a known host's key changed.
 */
public class HostKeyRejectedException extends SshSetupException {

    private static final long serialVersionUID = 1L;

    /** Why the key was refused. */
    public enum Reason {
        /** No key of this type is known for the host: it can be accepted once its fingerprint is checked. */
        UNKNOWN,
        /** known_hosts holds another key of the same type for the host: never accepted. */
        CHANGED,
        /** known_hosts marks this key {@code @revoked}: never accepted. */
        REVOKED
    }

    private final Reason reason;
    private final String fingerprint;

    public HostKeyRejectedException(Reason reason, String fingerprint, String message) {
        super(message);
        this.reason = reason;
        this.fingerprint = fingerprint;
    }

    public Reason reason() {
        return reason;
    }

    /** The refused key's fingerprint as OpenSSH shows it ({@code SHA256:} and unpadded base64). */
    public String fingerprint() {
        return fingerprint;
    }
}
