package dev.patchbay.server.http;

/** Checks the credentials of a request; throws a 401 {@link ApiError} when they are missing or wrong. */
@FunctionalInterface
public interface Authenticator {
    Principal authenticate(String apiKey);
}
