package dirsync.fs.sftp;

import dirsync.fs.LinkTarget;
import dirsync.fs.Name;
import dirsync.fs.RelPath;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Names as bytes on the wire. SFTP v3 sends names as plain byte strings and OpenSSH's server passes them to the
 * kernel untouched; MINA's client turns them into Strings with its "name decoding charset". {@link SftpTree} sets
 * that charset to ISO-8859-1, which maps every byte to one char and back, so a wire String here holds a name's
 * exact bytes, one char per byte: a remote name that is not UTF-8 is listed, compared and deleted by its bytes,
 * never decoded into U+FFFD (which could make two names one).
 * <p>
 * Creating a name (or a link target) that is not UTF-8 is done only where the server keeps the bytes it gets (asked
 * once, when first needed: {@link KeepsBytes}, {@link NameBytesProbe}): MINA's own server, and any server whose names
 * are Strings, would turn it into another name. Elsewhere it is refused, naming the entry; nothing is created.
 */
final class SftpNames {

    /** Temporary names, as {@code fs.local.AtomicInstall} makes them: a leftover is an extra entry a pass deletes. */

    /** The root directory on the server, in wire form, without a trailing '/' ("" for the server's "/"). */
    private final String root;
    private final KeepsBytes keepsBytes;

    /** Whether the server stores a name's bytes as given (asked only for a name that is not UTF-8). */
    @FunctionalInterface
    interface KeepsBytes {
        boolean keepsBytes();
    }

    /** Names under {@code rootText} on a server not asked whether it keeps bytes: names not UTF-8 are refused. */
    SftpNames(String rootText) {
        this(rootText, () -> false);
    }

    SftpNames(String rootText, KeepsBytes keepsBytes) {
        this.keepsBytes = keepsBytes;
        if (!rootText.startsWith("/")) {
            throw new IllegalArgumentException("an sftp replica's root must be an absolute path: " + rootText);
        }
        String wire = wire(rootText.getBytes(StandardCharsets.UTF_8));
        while (wire.endsWith("/")) {
            wire = wire.substring(0, wire.length() - 1);
        }
        this.root = wire;
    }

    /** The root as the server knows it, for messages ("/" for the server's root). */
    String rootText() {
        return root.isEmpty() ? "/" : text(root);
    }

    /** The absolute wire path of {@code path} on the server. */
    String path(RelPath path) {
        if (path.isRoot()) {
            return root.isEmpty() ? "/" : root;
        }
        return root + "/" + wire(path.bytes());
    }

    /**
     * The wire path of an entry about to be created: refused, naming it, if its name is not UTF-8 and the server does
     * not keep a name's bytes.
     */
    String creating(RelPath path) throws IOException {
        if (!path.isRoot() && !isUtf8(path.name().bytes()) && !keepsBytes.keepsBytes()) {
            throw new IOException("cannot create '" + path + "' on an sftp replica: its name is not valid UTF-8 ("
                    + HexFormat.ofDelimiter(" ").formatHex(path.name().bytes())
                    + "), and this SFTP server would store it under another name");
        }
        return path(path);
    }

    /** A link target to send: refused if it is not UTF-8, for the same reason as a name. */
    String linkTarget(RelPath link, LinkTarget target) throws IOException {
        byte[] bytes = target.bytes();
        if (!isUtf8(bytes) && !keepsBytes.keepsBytes()) {
            throw new IOException("cannot create link '" + link + "' on an sftp replica: its target is not valid"
                    + " UTF-8 (" + HexFormat.ofDelimiter(" ").formatHex(bytes) + ")");
        }
        return wire(bytes);
    }

    /** A name the server listed (in wire form): its bytes. */
    static Name name(String wire) {
        return Name.of(bytes(wire));
    }

    /** A link target the server read (in wire form). */
    static LinkTarget target(String wire) {
        return LinkTarget.of(bytes(wire));
    }

    /** A sibling of {@code path} with a fresh temporary name (ASCII only). */
    String temporarySibling(RelPath path) {
        String name = dirsync.fs.TemporaryName.fresh();
        return path(path.parent()) + (path.parent().isRoot() && root.isEmpty() ? "" : "/") + name;
    }

    static String wire(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(String wire) {
        return wire.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A wire String as people read it (UTF-8 where valid), for messages. */
    static String text(String wire) {
        return new String(bytes(wire), StandardCharsets.UTF_8);
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
