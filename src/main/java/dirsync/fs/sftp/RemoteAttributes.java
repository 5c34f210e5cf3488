package dirsync.fs.sftp;

import dirsync.fs.Entry;
import dirsync.fs.EntryKind;
import dirsync.fs.RelPath;
import java.io.IOException;

/**
 * What an {@link SftpTree} carries of an entry besides its content, and how: mode and modification time in one
 * SETSTAT, compared at whole seconds (all SFTP v3 holds).
 */
final class RemoteAttributes {

    private final Channels channels;
    private final SftpNames names;

    RemoteAttributes(Channels channels, SftpNames names) {
        this.channels = channels;
        this.names = names;
    }

    /**
     * A file's or directory's mode and time in one SETSTAT (lsetstat where offered); a link's time only (Linux keeps
     * no mode on a link). The entry is examined first: a server whose lsetstat follows links (MINA's own does on
     * JDK 25) must not get a mode for what a link points to.
     */
    void set(RelPath path, Entry source) throws IOException {
        String wire = names.path(path);
        boolean link = source.is(EntryKind.SYMLINK);
        if (!link && calls().lstat(wire).isSymbolicLink()) {
            throw new IOException("not setting attributes through a symbolic link: " + path);
        }
        calls().setAttributes(wire, link ? -1 : SftpEntries.mode(source.permissions()),
                SftpEntries.seconds(source.modified()));
    }

    /**
     * Times compare at whole seconds, as SFTP v3 carries them, so that the pass after a copy sees nothing to do. A
     * link's own time is carried only where the server offers lsetstat@openssh.com; elsewhere it is not compared.
     */
    boolean carries(Entry source, Entry current) {
        if (source.is(EntryKind.SYMLINK)) {
            return !calls().offers(RemoteCalls.LSETSTAT)
                    || SftpEntries.sameSecond(source.modified(), current.modified());
        }
        return source.permissions().equals(current.permissions())
                && SftpEntries.sameSecond(source.modified(), current.modified());
    }

    /** Gives a directory its owner's write and search bits, so that its entries can be changed. */
    void ensureWritable(RelPath dir, Entry current) throws IOException {
        int mode = SftpEntries.mode(current.permissions());
        if ((mode & 0300) != 0300) {
            calls().setAttributes(names.path(dir), mode | 0300, -1);
        }
    }

    /** This thread's channel. */
    private RemoteCalls calls() {
        return channels.get();
    }
}
