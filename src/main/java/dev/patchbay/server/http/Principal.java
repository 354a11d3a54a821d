package dev.patchbay.server.http;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who made a request: the API key's id, name, role and app scope ({@code apps} null = every app), and the person the
 * client says acts through it (header {@code X-Patchbay-Actor}, or null), for the audit log. {@link #ANONYMOUS} on
 * public routes; key id {@code system} for the server's own actors (rollout supervisor).
 */
public record Principal(String keyId, String name, String as, String role, Set<String> apps) {
    public static final Principal ANONYMOUS = new Principal("", "anonymous", null, "none", Set.of());
    /** The request header naming the person behind the key (docs/rollouts.md §5). */
    public static final String ACTOR_HEADER = "X-Patchbay-Actor";
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]{1,100}");
    /** How actors were stored before keys had unique names: {@code key:<id> (<name>)[ as <user>]}. */
    private static final Pattern OLD_ACTOR = Pattern.compile("key:\\S+ \\((.*)\\)( as .*)?");

    public Principal {
        apps = apps == null ? null : Set.copyOf(apps);
    }

    /** A server-side actor with every right (the supervisor, tests). */
    public Principal(String keyId, String name) {
        this(keyId, name, null, "admin", null);
    }

    /** How the audit log and rollout history name the actor: the key's name, {@code ... as <user>}, or {@code system:<name>}. */
    public String actor() {
        if (keyId.equals("system")) {
            return "system:" + name;
        }
        return name + (as == null ? "" : " as " + as);
    }

    /** Whether this key may touch {@code appId} (unscoped keys may touch every app). */
    public boolean mayAccess(String appId) {
        return apps == null || apps.contains(appId);
    }

    /**
     * An actor as stored, for display: entries written before key names were the actor ({@code key:<uuid> (name)})
     * read as the name, so old history stays readable next to new.
     */
    public static String displayActor(String stored) {
        if (stored == null) {
            return null;
        }
        Matcher m = OLD_ACTOR.matcher(stored);
        return m.matches() ? m.group(1) + (m.group(2) == null ? "" : m.group(2)) : stored;
    }

    /**
     * This principal acting for {@code header} (the {@link #ACTOR_HEADER} value; null = unchanged); 400 naming the
     * header unless it is 1..100 printable ASCII characters.
     */
    public Principal actingFor(String header) {
        if (header == null) {
            return this;
        }
        String v = header.strip();
        if (!PRINTABLE.matcher(v).matches()) {
            throw ApiError.validation(ACTOR_HEADER, "Header " + ACTOR_HEADER
                    + " must be 1 to 100 printable characters (a user name such as alice)");
        }
        return new Principal(keyId, name, v, role, apps);
    }
}
