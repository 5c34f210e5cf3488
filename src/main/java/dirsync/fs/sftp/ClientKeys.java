package dirsync.fs.sftp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The private keys to log in with, read before any connection is made. There is no passphrase prompt and no
 * agent: a key protected by a passphrase cannot be used, and saying so (naming the file) is the one help given.
 * <p>
 * A file given with {@code --ssh-key} must be usable. Files named by the config's IdentityFile lines, or the
 * default names, are skipped when missing (as ssh skips them) or unusable, as long as another key is usable.
 * Reading ed25519 keys needs {@code net.i2p.crypto:eddsa} on the class path.
 */
final class ClientKeys {

    /** The keys read, the files they came from, and the files skipped with why (for a failed login's message). */
    record Loaded(List<KeyPair> keys, List<Path> files, List<String> skipped) {
    }

    private ClientKeys() {
    }

    static Loaded load(SshTarget target) throws SshSetupException {
        List<KeyPair> keys = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        String firstProblem = null;
        for (Path file : target.keys()) {
            String problem;
            try {
                List<KeyPair> read = read(file);
                if (!read.isEmpty()) {
                    keys.addAll(read);
                    files.add(file);
                    continue;
                }
                problem = "cannot use the key " + file + ": it holds no private key (a .pub file?)";
            } catch (NoSuchFileException missing) {
                if (target.keySource() != SshTarget.KeySource.OPTION) {
                    continue;
                }
                problem = "cannot read the key " + file + " given with --ssh-key: no such file";
            } catch (Encrypted encrypted) {
                problem = "cannot use the key " + file + ": it is protected by a passphrase, and dirsync asks for"
                        + " none and uses no agent; make a key without a passphrase for it (ssh-keygen -t ed25519"
                        + " -N '' -f ~/.ssh/dirsync_ed25519), authorize it on the server and give it with --ssh-key";
            } catch (AccessDeniedException denied) {
                problem = "cannot read the key " + file + ": permission denied";
            } catch (IOException | GeneralSecurityException | RuntimeException unreadable) {
                problem = "cannot use the key " + file + ": " + unreadable.getMessage();
            }
            if (target.keySource() == SshTarget.KeySource.OPTION) {
                throw new SshSetupException(problem);
            }
            firstProblem = firstProblem == null ? problem : firstProblem;
            skipped.add(problem);
        }
        if (keys.isEmpty()) {
            throw new SshSetupException(firstProblem != null ? firstProblem : noKey(target));
        }
        return new Loaded(List.copyOf(keys), List.copyOf(files), List.copyOf(skipped));
    }

    private static String noKey(SshTarget target) {
        if (target.keySource() == SshTarget.KeySource.CONFIG) {
            return "no key to log in to " + target.alias() + " with: none of the ssh config's IdentityFile keys "
                    + listed(target.keys()) + " exists; give one with --ssh-key FILE";
        }
        return "no key to log in to " + target.alias() + " with: none of " + listed(target.keys()) + " exists;"
                + " make one (ssh-keygen -t ed25519) or give one with --ssh-key FILE";
    }

    /** "a, b or c": files as a reader names them, not as a Java list prints itself ("[a, b, c]"). */
    private static String listed(List<Path> files) {
        List<String> names = files.stream().map(Path::toString).toList();
        return names.size() < 2 ? String.join("", names)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    private static List<KeyPair> read(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in,
                    (session, resource, attempt) -> {
                        throw new Encrypted();
                    });
            List<KeyPair> keys = new ArrayList<>();
            if (pairs != null) {
                pairs.forEach(keys::add);
            }
            return keys;
        }
    }

    /** Thrown from the passphrase callback: the key is protected by a passphrase. */
    private static final class Encrypted extends IOException {
        private static final long serialVersionUID = 1L;

        Encrypted() {
            super("the key is protected by a passphrase");
        }
    }
}
