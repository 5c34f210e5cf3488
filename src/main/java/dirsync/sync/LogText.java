package dirsync.sync;

/** Makes untrusted text (file names, error messages) safe to put on one log line. */
public final class LogText {

    private LogText() {
    }

    /**
     * Escapes control characters (C0, DEL, C1, and the Unicode line and paragraph separators) and the
     * backslash itself, so that no file name can end a log line early, forge another, or steer a terminal.
     */
    public static String escape(Object value) {
        String text = String.valueOf(value);
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = replacement(c);
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    private static String replacement(char c) {
        switch (c) {
            case '\\': return "\\\\";
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            default:
                if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                    return String.format("\\x%02x", (int) c);
                }
                if (c == '\u2028' || c == '\u2029') {
                    return String.format("\\u%04x", (int) c);
                }
                return null;
        }
    }

    /** The one-line reason of an exception, without a stack trace: what a user can act on. */
    public static String reason(Throwable cause) {
        String message = cause.getMessage();
        String kind = cause.getClass().getSimpleName();
        if (cause instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            message = fse.getReason();
        }
        if (cause instanceof java.nio.file.NoSuchFileException) {
            message = "no such file or directory";
        } else if (cause instanceof java.nio.file.AccessDeniedException) {
            message = "permission denied";
        } else if (cause instanceof java.nio.file.FileAlreadyExistsException) {
            message = "already exists";
        } else if (cause instanceof java.nio.file.DirectoryNotEmptyException) {
            message = "directory not empty";
        }
        return message == null ? kind : message;
    }
}
