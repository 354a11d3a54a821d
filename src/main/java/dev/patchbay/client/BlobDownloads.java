package dev.patchbay.client;

import dev.patchbay.crypto.BlobRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import okhttp3.Call;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The blob downloads of {@link PatchbayClient} (documented there): a blob streamed with its length and SHA-256
 * checked as it arrives, into a stream, a file (moved into place once checked) or memory.
 */
final class BlobDownloads extends ApiCalls {
    BlobDownloads(ApiTransport transport) {
        super(transport);
    }

    void downloadBlob(String appId, BlobRef ref, OutputStream out) {
        Request.Builder b = new Request.Builder().url(url("apps", appId, "blobs", ref.sha256())).get()
                .header("Accept", "application/octet-stream");
        if (!transport.apiKey.isEmpty()) {
            b.header("Authorization", "Bearer " + transport.apiKey);
        }
        // The transfer client: no overall deadline for a big blob on a slow link, but reads must progress.
        Call call = transport.uploads.newCall(b.build());
        try (Response response = call.execute()) {
            ResponseBody body = response.body();
            if (!response.isSuccessful()) {
                throw transport.errorFrom(response.code(), ApiTransport.readCapped(body));
            }
            if (body == null) {
                throw badBlob(ref, "an empty answer");
            }
            long declared = body.contentLength();
            if (declared != -1 && declared != ref.length()) {
                throw badBlob(ref, declared + " bytes (Content-Length)");
            }
            MessageDigest digest = sha256();
            InputStream in = body.byteStream();
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            // Ask for one byte more than expected at the end, to notice a server that sends too much.
            while ((n = in.read(buf, 0, (int) Math.min(buf.length, ref.length() - total + 1))) != -1) {
                total += n;
                if (total > ref.length()) {
                    throw badBlob(ref, "more than " + ref.length() + " bytes");
                }
                digest.update(buf, 0, n);
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            if (total != ref.length()) {
                throw badBlob(ref, total + " bytes");
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equals(ref.sha256())) {
                throw badBlob(ref, "bytes with SHA-256 " + actual);
            }
        } catch (ApiException | UncheckedIOException e) {
            throw e;
        } catch (IOException e) {
            throw transport.unreachable(e);
        }
    }

    void downloadBlob(String appId, BlobRef ref, Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".download-", ".part");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                downloadBlob(appId, ref, out);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    byte[] fetchBlob(String appId, BlobRef ref) {
        if (ref.length() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("blob too large to hold in memory: " + ref.length());
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) ref.length());
        downloadBlob(appId, ref, out);
        return out.toByteArray();
    }

    private ServerErrorException badBlob(BlobRef ref, String got) {
        return new ServerErrorException(200, "bad_blob", "The server at " + transport.baseUrl() + " sent " + got + " for blob "
                + ref.sha256() + " (" + ref.length() + " bytes expected); nothing was kept");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
