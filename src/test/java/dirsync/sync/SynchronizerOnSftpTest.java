package dirsync.sync;

import dirsync.fs.ReplicaTree;
import dirsync.fs.sftp.SftpTree;
import dirsync.testing.EmbeddedSftpServer;
import dirsync.testing.Trees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every behaviour of {@link SynchronizerTest} again, with the replica written through an {@link SftpTree} to an SFTP
 * v3 server in this process, which serves the same directory the tests lay out and check. Times are compared to
 * the whole second, all SFTP v3 carries. The replica is not "on the platform" for the tests' purposes: a name that
 * is not UTF-8 is refused (one error, never a wrongly named copy), and FIFOs are left out of the replica side
 * because MINA's server lists a FIFO as a regular file (OpenSSH's does not).
 */
class SynchronizerOnSftpTest extends SynchronizerTest {

    @RegisterExtension
    static final EmbeddedSftpServer SERVER = new EmbeddedSftpServer();

    @Override
    ReplicaTree replicaTree(Path replica) {
        try {
            return SftpTree.over(SERVER.newClient(), replica.toString(), "sftp://127.0.0.1" + replica);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    Trees.Detail[] compared() {
        return new Trees.Detail[] {Trees.Detail.WHOLE_SECONDS};
    }

    @Override
    boolean replicaOnPlatform() {
        return false;
    }
}
