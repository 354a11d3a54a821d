package dev.patchbay.server.blobs;

import java.util.Collection;

/** Blob URLs under a public prefix (a CDN in front of the bucket, or the bucket's own public URL). */
record PublicLinks(String template) implements DirectLinks {
    @Override
    public String urls(String releaseDigest, java.util.function.Supplier<Collection<String>> sha256s) {
        return null;
    }
}
