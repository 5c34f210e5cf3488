package dirsync.fs.sftp;

/**
 * Which of the source's owners a replica over SFTP is given where the session may give them, as the local tree's
 * {@code Ownership} is told: {@code --no-owner} and {@code --no-group} turn each off, and then it is neither set
 * nor compared.
 *
 * @param owners give the source's numeric owner (only a session that runs as root can)
 * @param groups give the source's numeric group (root any, another user those it belongs to)
 */
public record OwnersCarried(boolean owners, boolean groups) {

    /** Both, the default (as {@code cp -a} and {@code rsync -a} as root). */
    public static final OwnersCarried BOTH = new OwnersCarried(true, true);
}
