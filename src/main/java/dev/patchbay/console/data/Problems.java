package dev.patchbay.console.data;

import dev.patchbay.cache.CacheException;
import dev.patchbay.client.ApiException;
import dev.patchbay.domain.ValidationException;

/** Turns a failure into a sentence the user can act on. */
public final class Problems {
    private Problems() {
    }

    public static String message(Throwable e) {
        if (e instanceof ApiException || e instanceof ValidationException || e instanceof CacheException
                || e instanceof dev.patchbay.crypto.CryptoException) {
            return e.getMessage();
        }
        return "Unexpected error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }
}
