package dirsync.fs.sftp;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * Whether the server stores a name's bytes as it gets them (OpenSSH's sftp-server hands them to the kernel), or turns
 * them into text first (MINA's server, and any whose names are Strings, would store a name that is not UTF-8 as
 * another name). Asked once per connection, and only when a name or link target that is not UTF-8 is to be created:
 * a directory of a temporary name is made in the replica's root, in it one whose name is not UTF-8, the temporary
 * directory is listed, and the server keeps bytes if it lists exactly that name; both are removed again, by the names
 * the server listed. Any failure answers no: the name is refused as before.
 */
final class NameBytesProbe implements SftpNames.KeepsBytes {

    /** A name that is not UTF-8: a lone continuation byte, a byte no UTF-8 has, a lead byte without its follower. */
    static final byte[] NOT_UTF8 = {'d', 'i', 'r', 's', 'y', 'n', 'c', '-', (byte) 0x80, (byte) 0xff, (byte) 0xc3, '('};

    private final Channels channels;
    private final String rootWire;
    private volatile Boolean keeps;

    /** @param rootWire the replica's root on the server, as a wire path */
    NameBytesProbe(Channels channels, String rootWire) {
        this.channels = channels;
        this.rootWire = rootWire;
    }

    @Override
    public boolean keepsBytes() {
        Boolean known = keeps;
        if (known == null) {
            synchronized (this) {
                known = keeps;
                if (known == null) {
                    known = probe(channels.get());
                    keeps = known;
                }
            }
        }
        return known;
    }

    private boolean probe(RemoteCalls calls) {
        String dir = (rootWire.equals("/") ? "" : rootWire) + "/" + dirsync.fs.TemporaryName.fresh();
        try {
            calls.mkdir(dir);
        } catch (IOException cannot) {
            return false;
        }
        boolean kept = false;
        try {
            calls.mkdir(dir + "/" + SftpNames.wire(NOT_UTF8));
            List<SftpClient.DirEntry> listed = calls.readDir(dir);
            kept = listed.size() == 1 && Arrays.equals(SftpNames.bytes(listed.get(0).getFilename()), NOT_UTF8);
            for (SftpClient.DirEntry entry : listed) {
                calls.rmdir(dir + "/" + entry.getFilename());
            }
        } catch (IOException failed) {
            kept = false;
        } finally {
            try {
                calls.rmdir(dir);
            } catch (IOException leftOver) {
                // the next pass deletes it as an entry the source does not have
            }
        }
        return kept;
    }
}
