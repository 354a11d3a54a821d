package dev.patchbay.server.http;

import java.io.IOException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty raises before a request reaches {@link JsonHandler} (a malformed request line, headers too large, an
 * ambiguous URI) get the same JSON error body as every other failure, never Jetty's HTML page.
 */
public final class JsonErrorHandler extends ErrorHandler {
    /** Every method gets the JSON body (Jetty gives one only to GET, POST and HEAD by default). */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws IOException {
        String codeName = switch (code) {
            case 400 -> "bad_request";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            default -> code >= 500 ? "internal_error" : "http_" + code;
        };
        String text = message == null || message.isBlank() ? "The request was rejected (HTTP " + code + ")" : message;
        if (code >= 500) {
            text = "The server failed on this request";
        }
        JsonHandler.write(response, callback, JsonHandler.error(code, codeName, text, null));
    }
}
