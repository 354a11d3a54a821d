package dev.patchbay.server.http;

/** Who made a request: the API key's id and name, for the audit log. {@link #ANONYMOUS} on public routes. */
public record Principal(String keyId, String name) {
    public static final Principal ANONYMOUS = new Principal("", "anonymous");

    /** How the audit log names the actor. */
    public String actor() {
        return "key:" + keyId + " (" + name + ")";
    }
}
