package dev.patchbay.harness;

/**
 * One bundle as the device holds it, read from the runtime's preferences ({@code bundle.<id>}; device-protocol §8).
 *
 * @param id       10-character folder id, or {@code builtin}
 * @param status   {@code downloading}, {@code pending}, {@code success}, {@code error}, ... as the runtime stores it
 * @param reason   why it is in {@code error}, or null
 * @param sequence the release's sequence, -1 if unknown (builtin)
 */
public record BundleView(String id, String version, long sequence, String status, String reason) {
    public static final String BUILTIN = "builtin";

    public boolean builtin() {
        return BUILTIN.equals(id);
    }

    @Override
    public String toString() {
        return version + " (" + id + ", " + status + (reason == null ? "" : ": " + reason) + ")";
    }
}
