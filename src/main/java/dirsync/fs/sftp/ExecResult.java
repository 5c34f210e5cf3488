package dirsync.fs.sftp;

import java.nio.charset.StandardCharsets;

/**
 * How a command run over an exec channel ended.
 *
 * @param exitStatus the command's exit status
 * @param stdout     everything it wrote to its standard output
 * @param stderr     what it wrote to its standard error, as UTF-8 text (invalid bytes replaced)
 */
public record ExecResult(int exitStatus, byte[] stdout, String stderr) {

    /** The standard output as UTF-8 text (invalid bytes replaced). */
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
