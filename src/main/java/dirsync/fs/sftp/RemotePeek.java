package dirsync.fs.sftp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.EnumSet;
import java.util.Optional;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * Reads the start of one small file on the server, by its absolute path's bytes: what a run uses to find out
 * whether the server shows this machine's own files (see {@code app.SameHostProbe}). Nothing is written.
 */
public final class RemotePeek {

    private RemotePeek() {
    }

    /**
     * At most {@code limit} bytes from the start of the file at {@code path} on the server, or empty if there is
     * no such file (or a directory on the way is missing, or is not a directory).
     *
     * @throws IOException if it is there but cannot be read (no permission, say), or the connection failed
     */
    public static Optional<byte[]> read(SftpClient client, byte[] path, int limit) throws IOException {
        String wire = SftpNames.wire(path);
        SftpClient.CloseableHandle handle;
        try {
            handle = client.open(wire, EnumSet.of(SftpClient.OpenMode.Read));
        } catch (IOException e) {
            IOException mapped = SftpErrors.map(e, wire, SftpErrors.Doing.READING);
            if (mapped instanceof NoSuchFileException || mapped instanceof NotDirectoryException) {
                return Optional.empty();
            }
            throw mapped;
        }
        try (handle) {
            ByteArrayOutputStream content = new ByteArrayOutputStream(limit);
            byte[] buffer = new byte[limit];
            while (content.size() < limit) {
                int asked = limit - content.size();
                int read = client.read(handle, content.size(), buffer, 0, asked);
                if (read < 0) {
                    break;
                }
                content.write(buffer, 0, read);
                if (read < asked) {
                    break; // a short read is the end of a regular file (OpenSSH reads it at once): no READ for EOF
                }
            }
            return Optional.of(content.toByteArray());
        } catch (IOException e) {
            throw SftpErrors.map(e, wire, SftpErrors.Doing.READING);
        }
    }
}
