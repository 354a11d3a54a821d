package dev.patchbay.server.blobs;

import dev.patchbay.server.store.StorageUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs in an S3-compatible bucket (ADR 0112): {@code <prefix>/blobs/<sha256>}, each written only after its SHA-256
 * was checked and carrying it as user metadata ({@code x-amz-meta-sha256}); {@link #size} answers a blob only when
 * that metadata names it, so an object put there by anything else is not served or published.
 *
 * <p>Uploads are staged in the bucket, so a resume works after a restart and on another instance: the bytes of blob
 * {@code S} of upload {@code U} are pieces {@code <prefix>/uploads/U/S/<start offset>}, every piece but the last
 * exactly {@link #PIECE} bytes. A request is buffered in memory up to a piece; when the client goes away mid-body
 * what arrived is written as a short last piece, and the next request reads that piece back and continues it. A
 * complete blob is hashed (the running digest is kept between requests on this instance, else recomputed from the
 * pieces) and then made visible in one step: a single PUT (or copy) of the blob's key, or a multipart upload of the
 * pieces (server-side part copies) that becomes visible only when it completes. A failure of the bucket is thrown as
 * {@link StorageUnavailableException} (503): nothing is reported stored that the bucket did not confirm.
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
    /** Staging piece size: the client's default request size, and above S3's 5 MiB minimum multipart part. */
    static final int PIECE = 8 * 1024 * 1024;
    /** Most bytes of request bodies buffered at once, in KiB (8 full pieces). */
    private static final int BUFFER_KIB = 8 * PIECE / 1024;
    static final String SHA_META = "sha256";

    private final S3Settings settings;
    private final S3Client s3;
    private final DirectLinks links;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Running> digests = new ConcurrentHashMap<>();
    private final Semaphore buffers = new Semaphore(BUFFER_KIB);

    private record Running(MessageDigest digest, long offset) {
    }

    private record Piece(String key, long start, long size) {
    }

    private S3BlobStore(S3Settings settings, S3Client s3, DirectLinks links) {
        this.settings = settings;
        this.s3 = s3;
        this.links = links;
    }

    /**
     * Connects and checks the bucket: reachable, credentials accepted, a write and a delete allowed. Any failure is
     * an {@link IOException} whose message says what to fix.
     */
    public static S3BlobStore open(S3Settings settings) throws IOException {
        AwsCredentialsProvider credentials = S3Connection.credentials(settings);
        S3Client client = S3Connection.client(settings, credentials);
        DirectLinks links = settings.publicUrl() != null ? new PublicLinks(settings.publicUrl())
                : PresignedLinks.create(settings, credentials);
        S3BlobStore store = new S3BlobStore(settings, client, links);
        try {
            S3Connection.check(client, settings);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        LOG.info("Blobs in {} (devices download {})", settings.describe(),
                settings.publicUrl() != null ? "from " + settings.publicUrl() : "through presigned URLs valid "
                        + settings.urlExpiry().toMinutes() + " min");
        return store;
    }

    private StorageUnavailableException unavailable(String what, SdkException e) {
        String detail = e instanceof S3Exception s ? "HTTP " + s.statusCode() + " " + S3Connection.code(s) : e.getMessage();
        LOG.warn("S3 failed to {} in {}: {}", what, settings.describe(), detail);
        return new StorageUnavailableException("the blob store could not " + what + " (" + detail + ")", e);
    }

    public S3Settings settings() {
        return settings;
    }

    @Override
    public DirectLinks directLinks() {
        return links;
    }

    String blobKey(String sha256) {
        check(sha256);
        return settings.key("blobs/" + sha256);
    }

    private String stagingPrefix(String uploadId, String sha256) {
        check(sha256);
        uploadId(uploadId);
        return settings.key("uploads/" + uploadId + "/" + sha256 + "/");
    }

    private static void uploadId(String uploadId) {
        if (uploadId == null || !uploadId.matches("[0-9a-z]{1,40}")) {
            throw new IllegalArgumentException("bad upload id");
        }
    }

    private static void check(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a sha256: " + sha256);
        }
    }

    // ---- stored blobs -----------------------------------------------------------------------------------------

    @Override
    public long size(String sha256) {
        String key = blobKey(sha256);
        HeadObjectResponse head;
        try {
            head = s3.headObject(r -> r.bucket(settings.bucket()).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return -1;
            }
            throw unavailable("look up blob " + sha256, e);
        } catch (SdkException e) {
            throw unavailable("look up blob " + sha256, e);
        }
        // Only what this store wrote after checking the digest counts as the blob.
        return sha256.equals(head.metadata().get(SHA_META)) ? head.contentLength() : -1;
    }

    @Override
    public InputStream open(String sha256) throws IOException {
        return open(sha256, 0);
    }

    @Override
    public InputStream open(String sha256, long from) throws IOException {
        String key = blobKey(sha256);
        try {
            return s3.getObject(r -> {
                r.bucket(settings.bucket()).key(key);
                if (from > 0) {
                    r.range("bytes=" + from + "-");
                }
            });
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new NoSuchFileException(key);
            }
            throw unavailable("read blob " + sha256, e);
        } catch (SdkException e) {
            throw unavailable("read blob " + sha256, e);
        }
    }

    @Override
    public List<String> stored() {
        List<String> out = new ArrayList<>();
        String prefix = settings.key("blobs/");
        for (S3Object o : list(prefix, "list the stored blobs")) {
            String name = o.key().substring(prefix.length());
            if (SHA256.matcher(name).matches()) {
                out.add(name);
            }
        }
        return out;
    }

    @Override
    public List<String> stagedUploads() {
        String prefix = settings.key("uploads/");
        try {
            List<String> out = new ArrayList<>();
            s3.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(prefix).delimiter("/"))
                    .commonPrefixes().forEach(p -> {
                        String id = p.prefix().substring(prefix.length()).replace("/", "");
                        if (id.matches("[0-9a-z]{1,40}")) {
                            out.add(id);
                        }
                    });
            return out;
        } catch (SdkException e) {
            throw unavailable("list the staged uploads", e);
        }
    }

    @Override
    public void delete(String sha256) {
        String key = blobKey(sha256);
        deleteKey(key, "delete blob " + sha256);
    }

    private void deleteKey(String key, String what) {
        try {
            s3.deleteObject(r -> r.bucket(settings.bucket()).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw unavailable(what, e);
            }
        } catch (SdkException e) {
            throw unavailable(what, e);
        }
    }

    private List<S3Object> list(String prefix, String what) {
        try {
            List<S3Object> out = new ArrayList<>();
            s3.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(prefix)).contents().forEach(out::add);
            return out;
        } catch (SdkException e) {
            throw unavailable(what, e);
        }
    }

    // ---- uploads ----------------------------------------------------------------------------------------------

    /** The contiguous pieces of a staged blob, by offset; pieces after a gap (never written so) are ignored. */
    private List<Piece> pieces(String uploadId, String sha256) {
        String prefix = stagingPrefix(uploadId, sha256);
        List<Piece> all = new ArrayList<>();
        for (S3Object o : list(prefix, "list the staged pieces of blob " + sha256)) {
            String name = o.key().substring(prefix.length());
            if (name.matches("\\d{1,19}")) {
                all.add(new Piece(o.key(), Long.parseLong(name), o.size()));
            }
        }
        all.sort(java.util.Comparator.comparingLong(Piece::start));
        List<Piece> out = new ArrayList<>();
        long next = 0;
        for (Piece p : all) {
            if (p.start() != next) {
                break;
            }
            out.add(p);
            next += p.size();
        }
        return out;
    }

    private static long end(List<Piece> pieces) {
        return pieces.isEmpty() ? 0 : pieces.get(pieces.size() - 1).start() + pieces.get(pieces.size() - 1).size();
    }

    @Override
    public long received(String uploadId, String sha256, long length) {
        if (size(sha256) == length) {
            return length;
        }
        return end(pieces(uploadId, sha256));
    }

    @Override
    public long append(String uploadId, String sha256, long length, long start, boolean restart, InputStream in)
            throws IOException {
        String staging = stagingPrefix(uploadId, sha256);
        ReentrantLock lock = locks.computeIfAbsent(staging, k -> new ReentrantLock());
        if (!lock.tryLock()) {
            throw new BusyException("Another request is uploading blob " + sha256 + " of this upload right now");
        }
        try {
            if (size(sha256) == length) {
                drain(in, length);
                return length;
            }
            if (restart && start == 0) {
                dropPieces(uploadId, sha256);
            }
            List<Piece> pieces = pieces(uploadId, sha256);
            long have = end(pieces);
            if (start != have) {
                throw new WrongOffsetException(have);
            }
            int kib = (int) (Math.min(PIECE, Math.max(1, length - (have / PIECE) * PIECE)) / 1024 + 1);
            if (!buffers.tryAcquire(kib, 30, TimeUnit.SECONDS)) {
                throw new BusyException("The server is buffering many uploads right now; retry blob " + sha256);
            }
            try {
                return receive(uploadId, sha256, length, pieces, have, in, staging);
            } finally {
                buffers.release(kib);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            lock.unlock();
        }
    }

    private long receive(String uploadId, String sha256, long length, List<Piece> pieces, long have, InputStream in,
                         String staging) throws IOException {
        String digestKey = staging;
        MessageDigest digest = runningDigest(digestKey, pieces, have);
        // The buffer holds [bufferStart, offset): the short last piece read back, then what this request sends.
        long bufferStart = (have / PIECE) * PIECE;
        byte[] buf = new byte[(int) Math.min(PIECE, Math.max(1, length - bufferStart))];
        int filled = 0;
        if (have > bufferStart) {
            Piece tail = pieces.get(pieces.size() - 1);
            filled = readPiece(tail, buf);
        }
        long offset = have;
        boolean dirty = false;
        // Whether the bucket holds pieces of this blob (if not, a blob sent whole is one PUT, no listing).
        boolean staged = !pieces.isEmpty();
        try {
            while (true) {
                if (filled == buf.length) {
                    if (offset < length) {
                        putPiece(staging, bufferStart, buf, filled);
                        staged = true;
                        dirty = false;
                        bufferStart += filled;
                        filled = 0;
                        buf = new byte[(int) Math.min(PIECE, length - bufferStart)];
                    } else {
                        // A full buffer at the end of the blob: one more byte would be too long.
                        int extra = in.read();
                        if (extra != -1) {
                            dropPieces(uploadId, sha256);
                            throw new TooLongException("Blob " + sha256 + " is longer than its declared " + length
                                    + " bytes");
                        }
                        break;
                    }
                }
                int n = in.read(buf, filled, buf.length - filled);
                if (n == -1) {
                    break;
                }
                if (offset + n > length) {
                    dropPieces(uploadId, sha256);
                    throw new TooLongException("Blob " + sha256 + " is longer than its declared " + length + " bytes");
                }
                digest.update(buf, filled, n);
                filled += n;
                offset += n;
                dirty = true;
            }
        } catch (TooLongException e) {
            throw e;
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            // The client went away mid-blob: keep what arrived (in the bucket) for a resume.
            if (dirty) {
                putPiece(staging, bufferStart, buf, filled);
            }
            digests.put(digestKey, new Running(digest, offset));
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        if (offset < length) {
            if (dirty) {
                putPiece(staging, bufferStart, buf, filled);
            }
            digests.put(digestKey, new Running(digest, offset));
            return offset;
        }
        digests.remove(digestKey);
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(sha256)) {
            dropPieces(uploadId, sha256);
            throw new DigestMismatchException("The " + length + " bytes received for blob " + sha256
                    + " have SHA-256 " + actual + "; the partial data was dropped");
        }
        List<Piece> before = new ArrayList<>();
        if (staged) {
            for (Piece p : pieces(uploadId, sha256)) {
                if (p.start() < bufferStart) {
                    before.add(p);
                }
            }
        }
        publish(sha256, before, buf, filled);
        if (staged) {
            dropPieces(uploadId, sha256);
        }
        locks.remove(staging);
        return length;
    }

    /** Makes the verified blob visible under its key in one step. */
    private void publish(String sha256, List<Piece> before, byte[] last, int lastSize) {
        String key = blobKey(sha256);
        Map<String, String> meta = Map.of(SHA_META, sha256);
        String what = "store blob " + sha256;
        try {
            if (before.isEmpty()) {
                s3.putObject(r -> r.bucket(settings.bucket()).key(key).metadata(meta).contentLength((long) lastSize)
                        .contentMD5(md5(last, lastSize)), body(last, lastSize));
                return;
            }
            String uploadId = s3.createMultipartUpload(r -> r.bucket(settings.bucket()).key(key).metadata(meta))
                    .uploadId();
            try {
                List<CompletedPart> parts = new ArrayList<>();
                int number = 1;
                for (Piece p : before) {
                    int n = number++;
                    String etag = s3.uploadPartCopy(r -> r.sourceBucket(settings.bucket()).sourceKey(p.key())
                            .destinationBucket(settings.bucket()).destinationKey(key).uploadId(uploadId)
                            .partNumber(n)).copyPartResult().eTag();
                    parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
                }
                if (lastSize > 0) {
                    int n = number;
                    String etag = s3.uploadPart(r -> r.bucket(settings.bucket()).key(key).uploadId(uploadId)
                            .partNumber(n).contentLength((long) lastSize).contentMD5(md5(last, lastSize)),
                            body(last, lastSize)).eTag();
                    parts.add(CompletedPart.builder().partNumber(n).eTag(etag).build());
                }
                s3.completeMultipartUpload(r -> r.bucket(settings.bucket()).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
            } catch (SdkException e) {
                try {
                    s3.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(key).uploadId(uploadId));
                } catch (SdkException ignored) {
                    // the bucket's lifecycle rule for incomplete multipart uploads removes it (docs)
                }
                throw e;
            }
        } catch (SdkException e) {
            throw unavailable(what, e);
        }
    }

    private void putPiece(String staging, long start, byte[] buf, int n) {
        String key = staging + start;
        try {
            s3.putObject(r -> r.bucket(settings.bucket()).key(key).contentLength((long) n).contentMD5(md5(buf, n)),
                    body(buf, n));
        } catch (SdkException e) {
            throw unavailable("stage " + n + " bytes of an upload", e);
        }
    }

    private static RequestBody body(byte[] buf, int n) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buf, 0, n), n,
                "application/octet-stream");
    }

    private int readPiece(Piece p, byte[] into) throws IOException {
        try (InputStream in = s3.getObject(r -> r.bucket(settings.bucket()).key(p.key()))) {
            int n = in.readNBytes(into, 0, (int) p.size());
            if (n != p.size()) {
                throw unavailable("read back a staged piece", SdkClientException.create("piece " + p.key()
                        + " gave " + n + " of " + p.size() + " bytes"));
            }
            return n;
        } catch (SdkException e) {
            throw unavailable("read back a staged piece", e);
        }
    }

    private MessageDigest runningDigest(String key, List<Piece> pieces, long have) throws IOException {
        Running r = digests.get(key);
        if (r != null && r.offset() == have) {
            try {
                return (MessageDigest) r.digest().clone();
            } catch (CloneNotSupportedException e) {
                // recompute below
            }
        }
        MessageDigest d = sha256();
        byte[] buf = new byte[64 * 1024];
        for (Piece p : pieces) {
            try (InputStream in = s3.getObject(g -> g.bucket(settings.bucket()).key(p.key()))) {
                int n;
                while ((n = in.read(buf)) != -1) {
                    d.update(buf, 0, n);
                }
            } catch (SdkException e) {
                throw unavailable("read back the staged pieces", e);
            }
        }
        return d;
    }

    private void dropPieces(String uploadId, String sha256) {
        String prefix = stagingPrefix(uploadId, sha256);
        digests.remove(prefix);
        for (S3Object o : list(prefix, "list staged pieces")) {
            deleteKey(o.key(), "delete a staged piece");
        }
    }

    @Override
    public void dropUpload(String uploadId) {
        if (uploadId == null || !uploadId.matches("[0-9a-z]{1,40}")) {
            return;
        }
        String prefix = settings.key("uploads/" + uploadId + "/");
        digests.keySet().removeIf(k -> k.startsWith(prefix));
        locks.keySet().removeIf(k -> k.startsWith(prefix));
        for (S3Object o : list(prefix, "list the staging data of upload " + uploadId)) {
            deleteKey(o.key(), "delete the staging data of upload " + uploadId);
        }
    }

    private static void drain(InputStream in, long length) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long skipped = 0;
        int n;
        while (skipped <= length && (n = in.read(buf)) != -1) {
            skipped += n;
        }
    }

    private static String md5(byte[] buf, int n) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(buf, 0, n);
            return Base64.getEncoder().encodeToString(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        s3.close();
        if (links instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing the presigner", e);
            }
        }
    }
}
