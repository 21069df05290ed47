package io.sluice.pipeline.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/** One HTTP request and its response, with the few operations the endpoints need. Handlers run on Jetty's blocking threads. */
final class Exchange {
    static final ObjectMapper JSON = new ObjectMapper();

    final Request request;
    final Response response;
    final Callback callback;
    private final Fields query;
    private boolean completed;

    Exchange(Request request, Response response, Callback callback) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.query = Request.extractQueryParameters(request);
    }

    String method() {
        return request.getMethod();
    }

    /** A query parameter, or null. */
    String param(String name) {
        return query.getValue(name);
    }

    boolean booleanParam(String name) {
        String v = param(name);
        if (v == null) {
            return false;
        }
        return switch (v) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new SluiceException(ErrorCode.INVALID_PARAM, "parameter " + name + " must be true or false, not '" + v + "'",
                    Map.of("error", "invalid boolean"));
        };
    }

    InputStream body() {
        return Content.Source.asInputStream(request);
    }

    void sendJson(int status, Object body) throws IOException {
        send(status, "application/json", JSON.writeValueAsBytes(body));
    }

    void send(int status, String contentType, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.write(true, ByteBuffer.wrap(body), callback);
        completed = true;
    }

    void sendText(int status, String contentType, String body) {
        send(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a streamed response: no length, so HTTP/1.1 chunks it. */
    void startStream(String contentType) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    }

    /** Writes and flushes one piece of a streamed response, blocking until it is sent. */
    void writeChunk(byte[] bytes) throws IOException {
        try (Blocker.Callback b = Blocker.callback()) {
            response.write(false, ByteBuffer.wrap(bytes), b);
            b.block();
        }
    }

    void endStream() {
        response.write(true, ByteBuffer.allocate(0), callback);
        completed = true;
    }

    /** True once the response has been sent or its headers committed, so an error can no longer replace it. */
    boolean completed() {
        return completed || response.isCommitted();
    }
}
