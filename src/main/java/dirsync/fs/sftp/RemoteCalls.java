package dirsync.fs.sftp;

import dirsync.fs.sftp.SftpErrors.Doing;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.sftp.client.FullAccessSftpClient;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.impl.SftpResponse;
import org.apache.sshd.sftp.client.impl.SftpStatus;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * The SFTP requests an {@link SftpTree} makes, on wire paths (see {@link SftpNames}), each failure mapped by
 * {@link SftpErrors}. The OpenSSH extensions whose MINA helpers encode paths as UTF-8 Strings (posix-rename) or
 * do not exist (lsetstat) are sent here as raw requests with the paths' exact bytes.
 * <p>
 * A request that fails without an answer from the server (no SFTP status: the channel or the session closed, a
 * timeout, a reply that makes no sense) means the connection is gone: {@code lost} is told before the failure is
 * thrown, so that whoever sees the failure can already see the loss.
 */
final class RemoteCalls {

    static final String POSIX_RENAME = "posix-rename@openssh.com";
    static final String FSYNC = "fsync@openssh.com";
    static final String LSETSTAT = "lsetstat@openssh.com";

    /** Room in front of a request for the SFTP header (length, type, id), so MINA sends it without a copy. */
    static final int HEADER = Integer.BYTES + 1 + Integer.BYTES;

    private final FullAccessSftpClient client;
    private final Set<String> extensions;
    private final Consumer<IOException> lost;

    /** @param lost told of each failure that had no answer from the server, before it is thrown */
    RemoteCalls(FullAccessSftpClient client, Consumer<IOException> lost) {
        this.client = client;
        this.extensions = Set.copyOf(client.getServerExtensions().keySet());
        this.lost = lost;
    }

    /**
     * {@code failure} of a request on {@code path} as {@link SftpErrors#map} gives it; one that carries no SFTP
     * status (the connection failed) is first told to {@code lost}.
     */
    IOException failed(IOException failure, String path, Doing doing) {
        if (!SftpErrors.answered(failure)) {
            lost.accept(failure);
        }
        return SftpErrors.map(failure, path, doing, client);
    }

    FullAccessSftpClient client() {
        return client;
    }

    boolean offers(String extension) {
        return extensions.contains(extension);
    }

    SftpClient.Attributes lstat(String path) throws IOException {
        try {
            return client.lstat(path);
        } catch (IOException e) {
            throw failed(e, path, Doing.READING);
        }
    }

    String readLink(String path) throws IOException {
        try {
            return client.readLink(path);
        } catch (IOException e) {
            throw failed(e, path, Doing.READING);
        }
    }

    /** A directory's entries with the attributes READDIR returned for them ("." and ".." left out). */
    List<SftpClient.DirEntry> readDir(String path) throws IOException {
        List<SftpClient.DirEntry> entries = new ArrayList<>();
        try (SftpClient.CloseableHandle dir = client.openDir(path)) {
            for (List<SftpClient.DirEntry> batch = client.readDir(dir); batch != null; batch = client.readDir(dir)) {
                for (SftpClient.DirEntry entry : batch) {
                    String name = entry.getFilename();
                    if (!name.equals(".") && !name.equals("..")) {
                        entries.add(entry);
                    }
                }
            }
        } catch (IOException e) {
            throw failed(e, path, Doing.READING);
        }
        return entries;
    }

    InputStream read(String path) throws IOException {
        try {
            return client.read(path, 1 << 16);
        } catch (IOException e) {
            throw failed(e, path, Doing.READING);
        }
    }

    void mkdir(String path) throws IOException {
        try {
            client.mkdir(path);
        } catch (IOException e) {
            throw failed(e, path, Doing.OTHER);
        }
    }

    /** Makes {@code wire} and its missing parents (mkdir -p), as {@link #makeDirectories(SftpClient, String)}. */
    void makeDirectories(String wire) throws IOException {
        try {
            makeDirectories(client, wire);
        } catch (IOException e) {
            if (!SftpErrors.answered(e)) {
                lost.accept(e);
            }
            throw e;
        }
    }

    /**
     * Makes {@code wire} and its missing parents (mkdir -p); one there already, or made meanwhile by someone else, is
     * fine. A failure is mapped (looked into over {@code client}: see {@link SftpErrors#map}) and names the
     * directory that could not be made.
     */
    static void makeDirectories(SftpClient client, String wire) throws IOException {
        IOException failure = mkdir(client, wire);
        if (failure == null) {
            return;
        }
        int slash = wire.lastIndexOf('/');
        if (SftpErrors.missing(failure) && slash > 0) {
            makeDirectories(client, wire.substring(0, slash));
            failure = mkdir(client, wire); // once more, now that its parent is there: a second failure is final
            if (failure == null) {
                return;
            }
        }
        if (isDirectory(client, wire)) {
            return;
        }
        throw SftpErrors.map(failure, wire, Doing.OTHER, client);
    }

    /** Makes one directory; what it failed with, or null. */
    private static IOException mkdir(SftpClient client, String wire) {
        try {
            client.mkdir(wire);
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    private static boolean isDirectory(SftpClient client, String wire) {
        try {
            return client.lstat(wire).isDirectory();
        } catch (IOException missingOrUnreachable) {
            return false; // the failure of the mkdir says why
        }
    }

    void rmdir(String path) throws IOException {
        try {
            client.rmdir(path);
        } catch (IOException e) {
            throw failed(e, path, Doing.OTHER);
        }
    }

    /** Removes a file, link or special file (SSH_FXP_REMOVE is unlink(2): a link itself, never its target). */
    void remove(String path) throws IOException {
        try {
            client.remove(path);
        } catch (IOException e) {
            throw failed(e, path, Doing.OTHER);
        }
    }

    /** SFTP's plain RENAME, which never replaces an entry at {@code to} (OpenSSH: link(2) for files, or a check). */
    void rename(String from, String to) throws IOException {
        try {
            client.rename(from, to);
        } catch (IOException e) {
            throw failed(e, to, Doing.OTHER);
        }
    }

    void symlink(String link, String target) throws IOException {
        try {
            client.symLink(link, target); // MINA sends target first on v3, the order OpenSSH's server reads
        } catch (IOException e) {
            throw failed(e, link, Doing.OTHER);
        }
    }

    /** Opens a new file for writing, failing if the name exists (O_CREAT|O_EXCL: never writes through a link). */
    SftpClient.CloseableHandle createExclusive(String path) throws IOException {
        try {
            return client.open(path, SftpClient.OpenMode.Write, SftpClient.OpenMode.Create,
                    SftpClient.OpenMode.Exclusive);
        } catch (IOException e) {
            throw failed(e, path, Doing.WRITING);
        }
    }

    void fsync(SftpClient.Handle handle, String path) throws IOException {
        try {
            client.getExtension(OpenSSHFsyncExtension.class).fsync(handle);
        } catch (IOException e) {
            throw failed(e, path, Doing.WRITING);
        }
    }

    void close(SftpClient.Handle handle, String path) throws IOException {
        try {
            client.close(handle);
        } catch (IOException e) {
            throw failed(e, path, Doing.WRITING);
        }
    }

    /**
     * Sets permissions and/or times in one request; the time goes as atime and mtime together (SFTP v3 has one
     * flag for both), in whole seconds. Never through a link where the server offers lsetstat@openssh.com.
     *
     * @param mode    the nine permission bits, or -1 to leave them
     * @param seconds the modification (and access) time, or -1 to leave it
     */
    void setAttributes(String path, int mode, long seconds) throws IOException {
        boolean noFollow = offers(LSETSTAT);
        Buffer request = request(path.length() + 64);
        if (noFollow) {
            request.putString(LSETSTAT);
        }
        request.putBytes(SftpNames.bytes(path));
        int flags = (mode >= 0 ? SftpConstants.SSH_FILEXFER_ATTR_PERMISSIONS : 0)
                | (seconds >= 0 ? SftpConstants.SSH_FILEXFER_ATTR_ACMODTIME : 0);
        request.putInt(flags);
        if (mode >= 0) {
            request.putInt(mode);
        }
        if (seconds >= 0) {
            request.putUInt(seconds);
            request.putUInt(seconds);
        }
        call(noFollow ? SftpConstants.SSH_FXP_EXTENDED : SftpConstants.SSH_FXP_SETSTAT, request, path, Doing.OTHER);
    }

    /** Renames {@code from} over {@code to} in one step (rename(2)), replacing what {@code to} names. */
    void posixRename(String from, String to) throws IOException {
        call(SftpConstants.SSH_FXP_EXTENDED, RawRequests.posixRename(from, to), to, Doing.OTHER);
    }

    /** A buffer for a raw request, with room for the header in front. */
    static Buffer request(int size) {
        Buffer buffer = new ByteArrayBuffer(HEADER + size, false);
        buffer.rpos(HEADER);
        buffer.wpos(HEADER);
        return buffer;
    }

    private void call(int type, Buffer request, String path, Doing doing) throws IOException {
        try {
            checkStatus(type, client.receive(client.send(type, request)));
        } catch (IOException e) {
            throw failed(e, path, doing);
        }
    }

    /** Throws the status a reply carries unless it is OK. */
    static void checkStatus(int type, Buffer reply) throws IOException {
        SftpResponse response = SftpResponse.parse(type, reply);
        if (response.getType() != SftpConstants.SSH_FXP_STATUS) {
            throw new SftpException(SftpConstants.SSH_FX_BAD_MESSAGE, "unexpected reply of type "
                    + SftpConstants.getCommandMessageName(response.getType()) + " to a "
                    + SftpConstants.getCommandMessageName(type));
        }
        SftpStatus status = SftpStatus.parse(response);
        if (!status.isOk()) {
            throw new SftpException(status.getStatusCode(), status.getMessage());
        }
    }
}
