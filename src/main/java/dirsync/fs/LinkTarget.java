package dirsync.fs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text a symbolic link holds, as bytes: never resolved, never followed, only compared and re-created. A tree
 * may attach its own form (a provider's path) for re-creating the link on the same provider.
 */
public final class LinkTarget {

    private final byte[] bytes;
    private final Object nativeForm;

    private LinkTarget(byte[] bytes, Object nativeForm) {
        this.bytes = bytes;
        this.nativeForm = nativeForm;
    }

    public static LinkTarget of(byte[] bytes, Object nativeForm) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("a link target is never empty");
        }
        return new LinkTarget(bytes.clone(), nativeForm);
    }

    public static LinkTarget of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8), null);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public Object nativeForm() {
        return nativeForm;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LinkTarget target && Arrays.equals(bytes, target.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
