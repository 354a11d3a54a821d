package dev.patchbay.updater;

/** A JS API call that cannot be done, with a message that says why (the JS promise rejects with it). */
public class UpdaterException extends RuntimeException {
    private final String code;

    public UpdaterException(String code, String message) {
        super(message);
        this.code = code;
    }

    public UpdaterException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** A stable code: {@code not_found}, {@code not_allowed}, {@code not_update}, {@code download_failed}, ... */
    public String code() {
        return code;
    }
}
