package dev.patchbay.crypto;

import dev.patchbay.domain.ValidationException;

/** A blob named by the lowercase hex SHA-256 of all its bytes, with its length in bytes. */
public record BlobRef(String sha256, long length) implements Comparable<BlobRef> {
    public BlobRef {
        if (!Codec.isHex(sha256, 64)) {
            throw new ValidationException("sha256", "a blob digest is 64 lowercase hex characters");
        }
        if (length < 0) {
            throw new ValidationException("length", "a blob length cannot be negative");
        }
    }

    @Override
    public int compareTo(BlobRef other) {
        return sha256.compareTo(other.sha256);
    }
}
