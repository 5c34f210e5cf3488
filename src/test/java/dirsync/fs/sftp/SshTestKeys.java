package dirsync.fs.sftp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** Key files and known_hosts lines for connection tests, made as ssh-keygen and ssh-keyscan make them. */
final class SshTestKeys {

    private SshTestKeys() {
    }

    /** A new ed25519 key pair (ssh-keygen's default type; needs eddsa on the class path). */
    static KeyPair ed25519() throws GeneralSecurityException {
        return KeyUtils.generateKeyPair("ssh-ed25519", 256);
    }

    static KeyPair ecdsa() throws GeneralSecurityException {
        return KeyUtils.generateKeyPair("ecdsa-sha2-nistp256", 256);
    }

    /** Writes {@code pair} as an OpenSSH private key file, protected by {@code passphrase} unless it is null. */
    static Path writePrivateKey(Path file, KeyPair pair, String passphrase) throws IOException,
            GeneralSecurityException {
        OpenSSHKeyEncryptionContext encryption = null;
        if (passphrase != null) {
            encryption = new OpenSSHKeyEncryptionContext();
            encryption.setPassword(passphrase);
            encryption.setCipherName("AES");
            encryption.setCipherMode("CTR");
            encryption.setCipherType("256");
            encryption.setKdfRounds(1);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(pair, "test", encryption, out);
        }
        return file;
    }

    /**
     * OpenSSH's fingerprint, computed from the base64 of a known_hosts line (not from the key object): SHA256, then
     * unpadded base64.
     */
    static String fingerprintOfLine(String knownHostsLine) throws GeneralSecurityException {
        String[] fields = knownHostsLine.split(" ");
        byte[] blob = Base64.getDecoder().decode(fields[2]);
        return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(blob));
    }

    /** A known_hosts line for {@code host} with {@code key}, the host written hashed ({@code |1|salt|hmac}). */
    static String hashedLine(String host, PublicKey key) throws GeneralSecurityException {
        byte[] salt = new byte[20];
        new java.security.SecureRandom().nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
        Base64.Encoder base64 = Base64.getEncoder();
        return "|1|" + base64.encodeToString(salt) + "|" + base64.encodeToString(hash) + " "
                + PublicKeyEntry.toString(key);
    }
}
