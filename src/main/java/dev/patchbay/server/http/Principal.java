package dev.patchbay.server.http;

import java.util.regex.Pattern;

/**
 * Who made a request: the API key's id and name, and the person the client says acts through it (header
 * {@code X-Patchbay-Actor}, or null), for the audit log. {@link #ANONYMOUS} on public routes; key id {@code system}
 * for the server's own actors (rollout supervisor).
 */
public record Principal(String keyId, String name, String as) {
    public static final Principal ANONYMOUS = new Principal("", "anonymous");
    /** The request header naming the person behind the key (docs/rollouts.md §5). */
    public static final String ACTOR_HEADER = "X-Patchbay-Actor";
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7E]{1,100}");

    public Principal(String keyId, String name) {
        this(keyId, name, null);
    }

    /** How the audit log names the actor: {@code key:<id> (<name>)}, {@code ... as <user>}, or {@code system:<name>}. */
    public String actor() {
        if (keyId.equals("system")) {
            return "system:" + name;
        }
        return "key:" + keyId + " (" + name + ")" + (as == null ? "" : " as " + as);
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
        return new Principal(keyId, name, v);
    }
}
