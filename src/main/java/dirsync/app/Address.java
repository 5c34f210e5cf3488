package dirsync.app;

import dirsync.fs.sftp.SftpLocation;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a SOURCE or REPLICA argument is read: the one place that tells an {@code sftp://} address from a local path,
 * and refuses what reads as a remote address dirsync does not speak rather than take it as a relative path (which
 * would create and mirror into {@code ./ftp:/host/x}). Such an address is, as scp and rsync read it:
 * <ul>
 * <li>another {@code scheme://} (a {@code file://} URL too: dirsync takes plain paths);</li>
 * <li>{@code sftp:} without {@code //};</li>
 * <li>{@code [user@]host:path}: a ':' before the first '/', after a host that is not empty.</li>
 * </ul>
 * A path that starts with '/' or './' is always local, so {@code ./host:path} names a local directory.
 */
final class Address {

    /** A URI's scheme as RFC 3986 spells it, then {@code //}. */
    private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://(.*)", Pattern.DOTALL);
    /** A password in an address's authority ({@code user:secret@}): never repeated in a message. */
    private static final Pattern PASSWORD = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://[^/@:]*):[^/@]*@");
    private static final String ANY_SFTP = "sftp://[user@]host/absolute/path";
    /** The scheme of a replica in an object store (read by {@link ObjectAddress}, not loaded for a local run). */
    static final String OBJECT_STORE = "s3://";

    private Address() {
    }

    /** Whether a REPLICA argument is an {@code sftp://} address; false for a local path. */
    static boolean remoteReplica(String arg) throws InvalidSettingsException {
        if (SftpLocation.looksRemote(arg)) {
            return true;
        }
        Reading reading = read(arg);
        if (reading != null) {
            throw new InvalidSettingsException(reading.plainPath != null ? reading.fileUrl("replica", arg)
                    : "replica '" + shown(arg) + "' reads as " + reading.understood + ": dirsync reaches another host"
                    + " only by sftp://; write " + reading.sftp + " for a remote replica, or ./" + shown(arg)
                    + " for a local directory");
        }
        return false;
    }

    /** Whether an argument is an {@code s3://} address (the scheme in any case, as URIs have it). */
    static boolean inObjectStore(String arg) {
        return arg.regionMatches(true, 0, OBJECT_STORE, 0, OBJECT_STORE.length());
    }

    /** The local path a SOURCE argument names: a remote address of any kind is refused. */
    static Path localSource(String arg) throws InvalidSettingsException {
        if (inObjectStore(arg)) {
            throw new InvalidSettingsException("source '" + arg + "' is in an object store: only the replica may be "
                    + "(write ./" + arg + " for a local directory)");
        }
        Reading reading = SftpLocation.looksRemote(arg) ? new Reading("an sftp:// address", null, null) : read(arg);
        if (reading != null) {
            throw new InvalidSettingsException(reading.plainPath != null ? reading.fileUrl("source", arg)
                    : "source '" + shown(arg) + "' reads as " + reading.understood + ": a source on another host is"
                    + " not supported (only the replica may be); write ./" + shown(arg) + " for a local directory");
        }
        try {
            return Path.of(arg);
        } catch (InvalidPathException e) {
            throw new InvalidSettingsException("source '" + arg + "' is not a path: " + e.getReason());
        }
    }

    /**
     * What an argument that is not an {@code sftp://} address reads as, if it reads as a remote one.
     *
     * @param understood what it was taken for, in words
     * @param sftp       how to write it as an sftp:// address (or its form, where it cannot be told)
     * @param plainPath  for a {@code file://} URL, the plain path to write instead (or words for it); else null
     */
    private record Reading(String understood, String sftp, String plainPath) {

        String fileUrl(String role, String arg) {
            return role + " '" + arg + "' is a file:// URL, and dirsync takes plain paths: write " + plainPath;
        }
    }

    private static Reading read(String arg) {
        Matcher scheme = SCHEME.matcher(arg);
        if (scheme.matches()) {
            String name = scheme.group(1).toLowerCase(Locale.ROOT);
            if (name.equals("file")) {
                String rest = scheme.group(2);
                String path = rest.startsWith("/") ? rest : rest.startsWith("localhost/") ? rest.substring(9) : null;
                return new Reading("a file:// URL", null, path == null || path.indexOf('%') >= 0
                        ? "the directory's plain path" : path);
            }
            return new Reading("an " + name + ":// address", sftpOr("sftp://" + scheme.group(2)), null);
        }
        if (arg.regionMatches(true, 0, "sftp:", 0, 5)) {
            String rest = arg.substring("sftp:".length()).replaceFirst("^/+", "");
            return new Reading("an sftp address without '//'", sftpOr("sftp://" + rest), null);
        }
        int colon = hostColon(arg);
        String login = colon < 0 ? "" : arg.substring(0, colon);
        String host = login.substring(login.lastIndexOf('@') + 1);
        if (host.isEmpty()) {
            return null;
        }
        String path = arg.substring(colon + 1);
        String where = " on host '" + host + "'" + (host.length() < login.length() ? " as user '"
                + login.substring(0, login.lastIndexOf('@')) + "'" : "") + ", as scp and rsync read it";
        if (!path.startsWith("/")) {
            String what = path.startsWith(":") ? "the rsync daemon's module '" + path.substring(1) + "'"
                    : "'" + path + "' in the home directory";
            return new Reading(what + where, sftpOr("sftp://" + login + "/<absolute path>"), null);
        }
        String escaped = path.replace("%", "%25").replace("?", "%3F").replace("#", "%23");
        return new Reading("'" + path + "'" + where, sftpOr("sftp://" + login + escaped), null);
    }

    /**
     * Where the host of {@code [user@]host:path} ends: the first ':' outside brackets (an IPv6 address) and before
     * the first '/'; -1 if there is none.
     */
    private static int hostColon(String arg) {
        boolean bracket = false;
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == '/') {
                return -1;
            } else if (c == '[') {
                bracket = true;
            } else if (c == ']') {
                bracket = false;
            } else if (c == ':' && !bracket) {
                return i;
            }
        }
        return -1;
    }

    /** {@code candidate} if it is an sftp address dirsync takes, else the form of one. */
    private static String sftpOr(String candidate) {
        try {
            SftpLocation.parse(candidate);
            return candidate;
        } catch (IllegalArgumentException e) {
            return ANY_SFTP;
        }
    }

    /** The argument as a message may show it: a password in it is left out. */
    private static String shown(String arg) {
        return PASSWORD.matcher(arg).replaceFirst("$1:***@");
    }
}
