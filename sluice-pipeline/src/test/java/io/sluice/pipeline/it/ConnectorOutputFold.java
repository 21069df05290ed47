package io.sluice.pipeline.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Folds a stream of JSON output records ({@code {"insert": row}} / {@code {"delete": row}}) into a
 * set of rows with weights, dropping rows whose weight comes back to zero: what a view's changes add
 * up to. Rows are keyed by their JSON text with fields in order.
 */
final class ConnectorOutputFold {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TreeMap<String, Long> weights = new TreeMap<>();

    void add(String record) throws IOException {
        JsonNode n = JSON.readTree(record);
        if (n.has("insert")) {
            weights.merge(n.get("insert").toString(), 1L, Long::sum);
        } else if (n.has("delete")) {
            weights.merge(n.get("delete").toString(), -1L, Long::sum);
        } else {
            throw new IOException("not an insert or delete record: " + record);
        }
        weights.values().removeIf(w -> w == 0);
    }

    Map<String, Long> weights() {
        return new TreeMap<>(weights);
    }
}
