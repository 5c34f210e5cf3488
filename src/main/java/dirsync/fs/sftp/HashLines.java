package dirsync.fs.sftp;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.sftp.client.SftpClient;

/** The lines of {@link HashStream}'s loop: md5sum's, and GNU stat's of the same files. */
final class HashLines {

    private HashLines() {
    }

    /** The hash of an md5sum line, or null if it is not one. */
    static byte[] md5(byte[] line) {
        if (line.length < 34 || line[32] != ' ' || line[33] != '*') {
            return null;
        }
        try {
            return HexFormat.of().parseHex(new String(line, 0, 32, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException notAHash) {
            return null;
        }
    }

    /** stat's "%f %u %g %s %Y" as SFTP attributes, as the pass's find gives them; null if it does not parse. */
    static SftpClient.Attributes stat(String fields) {
        String[] words = fields.split(" ");
        if (words.length != 5) {
            return null;
        }
        try {
            SftpClient.Attributes attributes = new SftpClient.Attributes();
            attributes.setPermissions(Integer.parseInt(words[0], 16));
            attributes.owner(Integer.parseInt(words[1]), Integer.parseInt(words[2]));
            attributes.setSize(Long.parseLong(words[3]));
            attributes.setModifyTime(FileTime.from(Long.parseLong(words[4]), TimeUnit.SECONDS));
            return attributes;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
