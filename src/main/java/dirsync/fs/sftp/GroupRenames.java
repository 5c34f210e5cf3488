package dirsync.fs.sftp;

import dirsync.fs.sftp.SftpErrors.Doing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.common.SftpConstants;

/**
 * What a {@link GroupInstall} does with a round of files written aside once they are durable: their renames, all
 * sent at once on this thread's channel; and, where the server cannot sync, forcing a file alone first.
 */
final class GroupRenames {

    private final RemoteInstall install;

    GroupRenames(RemoteInstall install) {
        this.install = install;
    }

    /**
     * Renames each written (and durable) file over its target, every request sent before the first answer is read;
     * returns, in the same order, what each rename failed with (its temporary file then removed), or null.
     */
    List<IOException> renameAll(List<RemoteInstall.Written> files) {
        RequestTrain train = new RequestTrain(install.calls());
        List<IOException> failures = new ArrayList<>();
        try {
            for (RemoteInstall.Written file : files) {
                train.send(SftpConstants.SSH_FXP_EXTENDED, RawRequests.posixRename(file.temp(), file.target()),
                        file.target(), Doing.OTHER);
            }
        } catch (IOException lost) {
            train.forget(); // the connection is gone: the next pass deletes what was left under a temporary name
            for (int i = 0; i < files.size(); i++) {
                failures.add(lost);
            }
            return failures;
        }
        for (RemoteInstall.Written file : files) {
            try {
                train.awaitOldest();
                failures.add(null);
            } catch (IOException e) {
                install.removeQuietly(file.temp());
                failures.add(e);
            }
        }
        return failures;
    }

    /** Forces a written, closed file to disk through a handle of its own (fsync@openssh.com). */
    void force(RemoteInstall.Written written) throws IOException {
        RemoteCalls calls = install.calls();
        if (!calls.offers(RemoteCalls.FSYNC)) {
            throw new IOException("the SFTP server does not offer " + RemoteCalls.FSYNC + " and cannot sync: a copy"
                    + " cannot be made durable before it takes its name");
        }
        SftpClient.Handle handle;
        try {
            handle = calls.client().open(written.temp(), SftpClient.OpenMode.Read);
        } catch (IOException e) {
            throw calls.failed(e, written.temp(), Doing.READING);
        }
        try {
            calls.fsync(handle, written.temp());
        } finally {
            install.closeQuietly(handle, written.temp());
        }
    }
}
