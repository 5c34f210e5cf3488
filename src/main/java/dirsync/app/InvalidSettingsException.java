package dirsync.app;

/** A user mistake found before anything was written: its message is one line, fit for stderr as it is. */
public final class InvalidSettingsException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidSettingsException(String message) {
        super(message);
    }
}
