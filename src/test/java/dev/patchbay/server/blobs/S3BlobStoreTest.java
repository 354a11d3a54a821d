package dev.patchbay.server.blobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/** The S3 blob store against a real S3 API server (S3Proxy): staging, resume, verification, visibility, clean-up. */
class S3BlobStoreTest {
    static S3ProxyServer s3;

    @BeforeAll
    static void proxy() throws Exception {
        s3 = S3ProxyServer.get();
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** A body that delivers {@code n} bytes and then fails, as a client that went away. */
    private static InputStream breaksAfter(byte[] b, int from, int n) {
        return new InputStream() {
            int pos = from;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] out, int off, int len) throws IOException {
                if (pos >= from + n) {
                    throw new IOException("connection reset by peer");
                }
                int k = Math.min(len, from + n - pos);
                System.arraycopy(b, pos, out, off, k);
                pos += k;
                return k;
            }
        };
    }

    @Test
    void wholeBlobIsStoredVerifiedAndReadableFromAnOffset() throws Exception {
        String bucket = s3.bucket();
        try (S3BlobStore store = S3BlobStore.open(s3.settings(bucket, "pb"))) {
            byte[] blob = random(70_000);
            String sha = sha(blob);
            assertEquals(-1, store.size(sha));
            assertEquals(blob.length, store.append("u1", sha, blob.length, 0, true, new ByteArrayInputStream(blob)));
            assertEquals(blob.length, store.size(sha));
            assertEquals(List.of("pb/blobs/" + sha), s3.keys(bucket, "pb/"), "nothing staged is left");
            try (InputStream in = store.open(sha, 60_000)) {
                assertArrayEquals(java.util.Arrays.copyOfRange(blob, 60_000, blob.length), in.readAllBytes());
            }
            assertEquals(List.of(sha), store.stored());
            store.delete(sha);
            assertEquals(-1, store.size(sha));
            assertEquals(List.of(), s3.keys(bucket, "pb/"));
        }
    }

    @Test
    void anObjectThisStoreDidNotVerifyIsNotABlob() throws Exception {
        String bucket = s3.bucket();
        try (S3BlobStore store = S3BlobStore.open(s3.settings(bucket, null))) {
            byte[] blob = random(1000);
            String sha = sha(blob);
            // Someone with bucket access puts other bytes under the blob's key, without the verified digest.
            s3.admin().putObject(r -> r.bucket(bucket).key("blobs/" + sha), RequestBody.fromBytes(random(1000)));
            assertEquals(-1, store.size(sha), "not published, not served");
            store.append("u2", sha, blob.length, 0, true, new ByteArrayInputStream(blob));
            assertEquals(1000, store.size(sha));
            try (InputStream in = store.open(sha)) {
                assertArrayEquals(blob, in.readAllBytes());
            }
        }
    }

    @Test
    void interruptedUploadResumesOnAnotherStoreInstanceAcrossPieces() throws Exception {
        String bucket = s3.bucket();
        S3Settings settings = s3.settings(bucket, "p");
        byte[] blob = random(S3BlobStore.PIECE + 1_500_000); // a full piece plus a part: the multipart path
        String sha = sha(blob);
        int first = S3BlobStore.PIECE + 300_000;
        try (S3BlobStore a = S3BlobStore.open(settings)) {
            assertThrows(IOException.class, () -> a.append("u3", sha, blob.length, 0, true,
                    breaksAfter(blob, 0, first)));
            assertEquals(first, a.received("u3", sha, blob.length), "what arrived before the break is kept");
            assertEquals(List.of("u3"), a.stagedUploads());
        }
        // Another instance (or a restart): no running digest, the staged pieces are read back.
        try (S3BlobStore b = S3BlobStore.open(settings)) {
            assertEquals(first, b.received("u3", sha, blob.length));
            BlobStore.WrongOffsetException wrong = assertThrows(BlobStore.WrongOffsetException.class,
                    () -> b.append("u3", sha, blob.length, 5, false, new ByteArrayInputStream(new byte[1])));
            assertEquals(first, wrong.received());
            assertEquals(blob.length, b.append("u3", sha, blob.length, first, false,
                    new ByteArrayInputStream(blob, first, blob.length - first)));
            assertEquals(blob.length, b.size(sha));
            try (InputStream in = b.open(sha)) {
                assertArrayEquals(blob, in.readAllBytes());
            }
            assertEquals(List.of("p/blobs/" + sha), s3.keys(bucket, "p/"), "the staged pieces are gone");
        }
    }

    @Test
    void wrongBytesAndTooManyBytesDropTheStagedData() throws Exception {
        String bucket = s3.bucket();
        try (S3BlobStore store = S3BlobStore.open(s3.settings(bucket, null))) {
            byte[] blob = random(5000);
            String sha = sha(blob);
            assertEquals(2000, store.append("u4", sha, blob.length, 0, true, new ByteArrayInputStream(blob, 0, 2000)));
            byte[] other = random(3000);
            assertThrows(BlobStore.DigestMismatchException.class, () -> store.append("u4", sha, blob.length, 2000,
                    false, new ByteArrayInputStream(other)));
            assertEquals(0, store.received("u4", sha, blob.length));
            assertThrows(BlobStore.TooLongException.class, () -> store.append("u4", sha, blob.length, 0, true,
                    new ByteArrayInputStream(random(6000))));
            assertEquals(-1, store.size(sha));
            assertEquals(List.of(), s3.keys(bucket, ""));
            store.append("u5", sha, blob.length, 0, true, new ByteArrayInputStream(blob, 0, 10));
            store.dropUpload("u5");
            assertEquals(List.of(), s3.keys(bucket, ""));
        }
    }

    @Test
    void aMissingBucketOrWrongCredentialsStopTheStartWithAClearMessage() throws Exception {
        IOException wrong = assertThrows(IOException.class, () -> S3BlobStore.open(
                s3.settings(s3.bucket(), null).withProfile(S3ProxyServer.WRONG_PROFILE)));
        assertTrue(wrong.getMessage().contains("S3 refused access") && wrong.getMessage().contains("credentials"),
                wrong.getMessage());
        IOException missing = assertThrows(IOException.class, () -> S3BlobStore.open(
                s3.settings("no-such-bucket-here", null)));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }
}
