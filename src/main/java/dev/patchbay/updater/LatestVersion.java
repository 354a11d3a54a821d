package dev.patchbay.updater;

/**
 * A verified answer to an update check (device-protocol §3): {@code kind} is {@code update}, {@code builtin},
 * {@code up_to_date}, {@code blocked} or {@code failed}; {@code version}/{@code sequence} name the release of an
 * {@code update}; {@code error}/{@code message} the server's reason. Only answers whose freshness statement verified
 * for this request are ever returned; pass an {@code update} to {@link Updater#download(LatestVersion)}.
 */
public final class LatestVersion {
    private final String kind;
    private final String version;
    private final long sequence;
    private final String channel;
    private final String error;
    private final String message;
    final PendingRelease release;

    LatestVersion(String kind, String version, long sequence, String channel, String error, String message,
            PendingRelease release) {
        this.kind = kind;
        this.version = version;
        this.sequence = sequence;
        this.channel = channel;
        this.error = error;
        this.message = message;
        this.release = release;
    }

    public String kind() {
        return kind;
    }

    /** The release's version for {@code update}, else null. */
    public String version() {
        return version;
    }

    public long sequence() {
        return sequence;
    }

    /** The channel the server resolved, or null. */
    public String channel() {
        return channel;
    }

    public String error() {
        return error;
    }

    public String message() {
        return message;
    }

    public boolean isUpdate() {
        return "update".equals(kind);
    }

    @Override
    public String toString() {
        return "LatestVersion[" + kind + (version == null ? "" : " " + version) + (error == null ? "" : " " + error)
                + "]";
    }
}
