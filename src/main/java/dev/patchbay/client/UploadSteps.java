package dev.patchbay.client;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.patchbay.crypto.BlobRef;
import dev.patchbay.domain.Bundle;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The steps of a resumable bundle upload that {@link BundlePublish} runs through {@link PatchbayClient}: open an
 * upload, ask what the server holds of a blob, send a piece of it, commit or abort.
 */
final class UploadSteps extends ApiCalls {
    UploadSteps(ApiTransport transport) {
        super(transport);
    }

    JsonNode createUpload(String appId, String version, List<BlobRef> blobs, Consumer<Call> track) {
        ObjectNode body = json.createObjectNode();
        body.put("version", version);
        var list = body.putArray("blobs");
        for (BlobRef b : blobs) {
            list.addObject().put("sha256", b.sha256()).put("length", b.length());
        }
        return call(send("POST", url("apps", appId, "uploads"), body), type(JsonNode.class), transport.http, track);
    }

    Bundle commitUpload(String appId, String uploadId, byte[] envelope, Consumer<Call> track) {
        Request r = authorized(new Request.Builder().url(url("apps", appId, "uploads", uploadId, "commit"))
                .post(RequestBody.create(envelope, ApiTransport.JSON))).build();
        return call(r, type(Bundle.class), transport.http, track);
    }

    void abortUpload(String appId, String uploadId) {
        call(send("DELETE", url("apps", appId, "uploads", uploadId), null), (JavaType) null);
    }

    long blobReceived(String appId, String uploadId, String sha256, Consumer<Call> track) {
        JsonNode n = call(get(url("apps", appId, "uploads", uploadId, "blobs", sha256)), type(JsonNode.class),
                transport.http, track);
        return received(n);
    }

    /** Sends bytes {@code [from, to)} of a blob; answers what the server then holds. */
    long putBlobPiece(String appId, String uploadId, BlobRef blob, Path file, long from, long to, PatchbayClient.SentListener sent,
                      Consumer<Call> track) {
        Request.Builder b = authorized(new Request.Builder().url(url("apps", appId, "uploads", uploadId, "blobs",
                blob.sha256())).put(BundlePublish.fileRange(file, from, to, sent)));
        if (!(from == 0 && to == blob.length())) {
            b.header("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + blob.length());
        }
        Request request = b.build();
        Call call = transport.uploads.newCall(request);
        track.accept(call);
        try (Response response = call.execute()) {
            byte[] body = ApiTransport.readCapped(response.body());
            if (response.code() == 409) {
                try {
                    JsonNode n = json.readTree(body);
                    if (n != null && n.has("received")) {
                        throw new PatchbayClient.WrongOffset(n.get("received").asLong());
                    }
                } catch (IOException notJson) {
                    // fall through to the typed error
                }
            }
            if (!response.isSuccessful()) {
                throw transport.errorFrom(response.code(), body);
            }
            try {
                return received(json.readTree(body));
            } catch (IOException e) {
                throw new ServerErrorException(response.code(), "bad_response", "Server sent an unreadable answer to a blob upload");
            }
        } catch (ApiException | PatchbayClient.WrongOffset e) {
            throw e;
        } catch (IOException e) {
            throw transport.unreachable(e);
        }
    }

    private static long received(JsonNode n) {
        if (n == null || !n.path("received").canConvertToLong()) {
            throw new ServerErrorException(200, "bad_response", "Server answer lacks 'received'");
        }
        return n.path("received").asLong();
    }
}
