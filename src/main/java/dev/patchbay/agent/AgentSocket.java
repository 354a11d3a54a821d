package dev.patchbay.agent;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Where the key agent listens and how it frames messages (ADR 0083). The socket lives in a private folder: Java has
 * no SO_PEERCRED, so who may connect is decided by the file system — the folder must belong to this user and allow
 * nobody else ({@code rwx------}); both sides check that before they use it. Messages are a 4-byte big-endian length
 * and that many bytes of UTF-8 JSON, at most {@link #MAX_MESSAGE} bytes.
 */
public final class AgentSocket {
    /** The environment variable naming the agent's socket (what {@code patchbay agent start} prints). */
    public static final String ENV = "PATCHBAY_AGENT_SOCK";
    static final int MAX_MESSAGE = 8 << 20;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private AgentSocket() {
    }

    /**
     * The socket to use: {@code $PATCHBAY_AGENT_SOCK}, else {@code $XDG_RUNTIME_DIR/patchbay-agent/agent.sock}, else
     * {@code <tmpdir>/patchbay-agent-<user>/agent.sock}.
     */
    public static Path path(Map<String, String> env) {
        String explicit = env.get(ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank() && Files.isDirectory(Path.of(runtime))) {
            return Path.of(runtime, "patchbay-agent", "agent.sock");
        }
        String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of(System.getProperty("java.io.tmpdir"), "patchbay-agent-" + user, "agent.sock");
    }

    /** Creates the socket's folder owner-only if missing, then {@link #checkPrivate checks} it. */
    static void createPrivateDir(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.getFileAttributeView(dir.getParent(), PosixFileAttributeView.class) != null) {
                Files.createDirectories(dir.getParent());
                try {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    // checked below
                }
            } else {
                Files.createDirectories(dir);
            }
        }
        checkPrivate(dir);
    }

    /**
     * Refuses a socket folder that another user owns or may enter, or that is a symbolic link: anyone who can reach
     * the socket can use the unlocked keys. On a file system without POSIX permissions (Windows) nothing is checked.
     */
    public static void checkPrivate(Path dir) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        PosixFileAttributes attrs = view.readAttributes();
        if (attrs.isSymbolicLink() || !attrs.isDirectory()) {
            throw new IOException("The agent's socket folder " + dir + " is not a plain folder");
        }
        String me = System.getProperty("user.name");
        if (!attrs.owner().getName().equals(me)) {
            throw new IOException("The agent's socket folder " + dir + " belongs to " + attrs.owner().getName()
                    + ", not " + me);
        }
        if (!attrs.permissions().equals(OWNER_ONLY)) {
            throw new IOException("The agent's socket folder " + dir + " is "
                    + PosixFilePermissions.toString(attrs.permissions()) + "; it must be rwx------ (chmod 700)");
        }
    }

    static void write(DataOutputStream out, byte[] message) throws IOException {
        if (message.length > MAX_MESSAGE) {
            throw new IOException("Agent message of " + message.length + " bytes is over the limit");
        }
        out.writeInt(message.length);
        out.write(message);
        out.flush();
    }

    /** The next message, or null at a clean end of stream. */
    static byte[] read(DataInputStream in) throws IOException {
        int length;
        try {
            length = in.readInt();
        } catch (EOFException end) {
            return null;
        }
        if (length < 0 || length > MAX_MESSAGE) {
            throw new IOException("Agent message length " + length + " is out of range");
        }
        byte[] message = new byte[length];
        in.readFully(message);
        return message;
    }
}
