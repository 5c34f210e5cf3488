package dirsync.testing;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.RequiredServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.nativefs.NativeFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An SFTP server in this process for a test class, on 127.0.0.1 and a free port: MINA's {@link SshServer} with a
 * host key generated into a temporary directory, accepting one key pair made for the test, and one client session
 * logged in with it (the server's host key required, as a known_hosts entry would). Each {@link #newClient()} is an
 * SFTP channel pinned to protocol version 3, the one OpenSSH speaks, so tests see its semantics; the clients of a
 * test are closed after it.
 * <p>
 * The server serves the real file system (MINA's native factory), not a virtual root: paths are absolute host
 * paths, as with an OpenSSH server without a chroot. A virtual root ({@code VirtualFileSystemFactory}) refuses
 * symbolic links whose target is absolute or leaves the root, and rewrites the targets it reads back; OpenSSH
 * stores and returns a link's target as it is.
 * <p>
 * {@link #fillDisk} makes every write on the server fail as a full disk does; {@link #dropSessionAtOpen} ends a
 * client's session abruptly in the middle of its work, as a server killed mid-pass does.
 * <p>
 * For connection tests: {@link #hostKey()} and {@link #knownHostsLine()} tell the server's host key,
 * {@link #authorize} accepts another client key, and exec channels run their command with {@code /bin/sh -c}
 * (as the user running the tests, in real paths).
 */
public final class EmbeddedSftpServer implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final String openSshExtensions;
    private final AtomicBoolean diskFull = new AtomicBoolean();
    /** The request the server answers with a failure: "fsync", "close", "setstat" or "rename"; null: none. */
    private final AtomicReference<String> refused = new AtomicReference<>();
    /** Files still to be opened before the session that opens the next one is dropped; negative: never. */
    private final AtomicInteger opensBeforeDrop = new AtomicInteger(-1);
    private final List<SftpClient> clients = new ArrayList<>();
    private final List<PublicKey> authorized = new CopyOnWriteArrayList<>();
    private final AtomicInteger keyChecks = new AtomicInteger();
    /** How many requests of each SFTP type (SSH_FXP_*) the server received since the test began. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, AtomicInteger> requests =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicReference<String> lastUser = new AtomicReference<>();
    private PublicKey hostKey;
    private Path keys;
    private SshServer server;
    private SshClient client;
    private ClientSession session;

    /** A server that offers what MINA's offers by default (OpenSSH's fsync, posix-rename, lsetstat, ...). */
    public EmbeddedSftpServer() {
        this(null);
    }

    /**
     * A server that reports only these OpenSSH extensions ({@code name=version,...}; "" for none), to see what a
     * client does without the others.
     */
    public EmbeddedSftpServer(String openSshExtensions) {
        this.openSshExtensions = openSshExtensions;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, GeneralSecurityException {
        keys = Files.createTempDirectory("dirsync-sshd-");
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(keys.resolve("host-key"));
        hostKeys.setAlgorithm(KeyUtils.EC_ALGORITHM);
        KeyPair user = KeyUtils.generateKeyPair("ecdsa-sha2-nistp256", 256);

        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(hostKeys);
        authorized.add(user.getPublic());
        server.setPublickeyAuthenticator((name, key, serverSession) -> {
            keyChecks.incrementAndGet();
            lastUser.set(name);
            return authorized.stream().anyMatch(known -> KeyUtils.compareKeys(key, known));
        });
        server.setCommandFactory((channel, command) -> new ProcessShellFactory(command, "/bin/sh", "-c", command)
                .createShell(channel));
        server.setFileSystemFactory(new NativeFileSystemFactory());
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder()
                .withFileSystemAccessor(new FullDiskAccessor(diskFull, opensBeforeDrop, refused)).build();
        sftp.addSftpEventListener(new org.apache.sshd.sftp.server.SftpEventListener() {
            @Override
            public void received(org.apache.sshd.server.session.ServerSession serverSession, int type, int id) {
                requests.computeIfAbsent(type, any -> new AtomicInteger()).incrementAndGet();
            }
        });
        server.setSubsystemFactories(List.of(sftp));
        if (openSshExtensions != null) {
            SftpModuleProperties.OPENSSH_EXTENSIONS.set(server, openSshExtensions);
        }
        server.start();

        hostKey = hostKeys.loadKeys(null).iterator().next().getPublic();
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(new RequiredServerKeyVerifier(hostKey));
        client.start();
        session = client.connect("tester", "127.0.0.1", server.getPort()).verify(TIMEOUT).getSession();
        session.addPublicKeyIdentity(user);
        session.auth().verify(TIMEOUT);
    }

    /** A new SFTP channel on the test's session, speaking SFTP version 3. */
    public SftpClient newClient() throws IOException {
        SftpClient sftp = SftpClientFactory.instance().createSftpClient(session,
                SftpVersionSelector.fixedVersionSelector(3));
        synchronized (clients) {
            clients.add(sftp);
        }
        return sftp;
    }

    /** While true, every write into a file on the server fails with ENOSPC's message. */
    public void fillDisk(boolean full) {
        diskFull.set(full);
    }

    /**
     * After {@code opens} more files have been opened on the server (for reading or writing), the session that
     * opens the next one is closed at once, without a word to its client: its TCP connection just ends, as when the
     * server's session process is killed. Once only.
     */
    public void dropSessionAtOpen(int opens) {
        opensBeforeDrop.set(opens);
    }

    /**
     * Until the test ends, the server answers every request of this kind with PERMISSION_DENIED (and carries out
     * the others): "fsync" (fsync@openssh.com), "close" (of a file), "setstat" (SETSTAT and FSETSTAT) or "rename".
     */
    public void refuse(String request) {
        refused.set(request);
    }

    public int port() {
        return server.getPort();
    }

    /** How many requests of this SFTP type ({@code SftpConstants.SSH_FXP_*}) the server received in this test. */
    public int requests(int type) {
        AtomicInteger count = requests.get(type);
        return count == null ? 0 : count.get();
    }

    /** The server's host key (an ECDSA key). */
    public PublicKey hostKey() {
        return hostKey;
    }

    /** The known_hosts line for this server, as ssh-keyscan prints it: {@code [127.0.0.1]:PORT type base64}. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey);
    }

    /** How many keys clients have offered to log in with so far (none is offered before the host key is checked). */
    public int keyChecks() {
        return keyChecks.get();
    }

    /** The user name of the last key offered. */
    public String lastUser() {
        return lastUser.get();
    }

    /** Lets a client log in with this key too (as any user), until the class's tests end. */
    public void authorize(PublicKey clientKey) {
        authorized.add(clientKey);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        diskFull.set(false);
        refused.set(null);
        opensBeforeDrop.set(-1);
        requests.clear();
        synchronized (clients) {
            for (SftpClient sftp : clients) {
                sftp.close();
            }
            clients.clear();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (session != null) {
                session.close();
            }
            if (client != null) {
                client.stop();
            }
            if (server != null) {
                server.stop(true);
            }
        } finally {
            Trees.deleteRecursively(keys);
        }
    }

    /** The server's file access, with writes that fail while the disk is "full", and a session dropped on cue. */
    private static final class FullDiskAccessor implements SftpFileSystemAccessor {
        private final AtomicBoolean full;
        private final AtomicInteger opensBeforeDrop;
        private final AtomicReference<String> refused;

        FullDiskAccessor(AtomicBoolean full, AtomicInteger opensBeforeDrop, AtomicReference<String> refused) {
            this.full = full;
            this.opensBeforeDrop = opensBeforeDrop;
            this.refused = refused;
        }

        private void refuse(String request, Path file) throws IOException {
            if (request.equals(refused.get())) {
                throw new java.nio.file.AccessDeniedException(file.toString(), null, request + " refused by the test");
            }
        }

        @Override
        public void syncFileData(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
                                 java.nio.channels.Channel channel) throws IOException {
            refuse("fsync", file);
            SftpFileSystemAccessor.super.syncFileData(subsystem, fileHandle, file, handle, channel);
        }

        @Override
        public void closeFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
                              java.nio.channels.Channel channel, Set<? extends OpenOption> options)
                throws IOException {
            try {
                SftpFileSystemAccessor.super.closeFile(subsystem, fileHandle, file, handle, channel, options);
            } finally {
                refuse("close", file); // closed all the same: only the answer says it failed
            }
        }

        @Override
        public void setFileAttribute(SftpSubsystemProxy subsystem, Path file, String view, String attribute,
                                     Object value, java.nio.file.LinkOption... options) throws IOException {
            refuse("setstat", file);
            SftpFileSystemAccessor.super.setFileAttribute(subsystem, file, view, attribute, value, options);
        }

        @Override
        public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath,
                               java.util.Collection<java.nio.file.CopyOption> opts) throws IOException {
            refuse("rename", newPath);
            SftpFileSystemAccessor.super.renameFile(subsystem, oldPath, newPath, opts);
        }

        @Override
        public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file,
                                            String handle, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            if (opensBeforeDrop.getAndUpdate(left -> left >= 0 ? left - 1 : left) == 0) {
                subsystem.getServerSession().close(true); // no reply: the connection just ends
                throw new java.io.EOFException("session dropped by the test");
            }
            SeekableByteChannel channel = SftpFileSystemAccessor.super.openFile(subsystem, fileHandle, file, handle,
                    options, attrs);
            return full.get() ? new FullDiskChannel(channel, file) : channel;
        }
    }

    /** A file on a full disk: it opens, but no byte can be written. */
    private record FullDiskChannel(SeekableByteChannel channel, Path file) implements SeekableByteChannel {
        @Override
        public int write(java.nio.ByteBuffer src) throws IOException {
            throw new FileSystemException(file.toString(), null, "No space left on device");
        }

        @Override
        public int read(java.nio.ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public long position() throws IOException {
            return channel.position();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            channel.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            channel.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
