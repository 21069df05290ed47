package io.sluice.pipeline.server;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/**
 * What {@code POST /ingress} returns and {@code GET /completion_status} checks: the process
 * incarnation and the input position after the request's records. Clients treat it as opaque;
 * it is base64url (no padding) of {@code {"u": incarnation, "c": position}}.
 */
record CompletionToken(UUID incarnation, long position) {
    CompletionToken {
        requireNonNull(incarnation, "incarnation is null");
    }

    String encode() {
        String json = "{\"u\":\"" + incarnation + "\",\"c\":" + position + "}";
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a token; anything malformed is 400 InvalidParam. */
    static CompletionToken decode(String token) {
        try {
            JsonNode node = Exchange.JSON.readTree(Base64.getUrlDecoder().decode(token));
            return new CompletionToken(UUID.fromString(node.get("u").asText()), node.get("c").asLong());
        } catch (Exception e) {
            throw new SluiceException(ErrorCode.INVALID_PARAM, "the completion token is not one this process issued",
                    Map.of("error", "undecodable token"));
        }
    }
}
