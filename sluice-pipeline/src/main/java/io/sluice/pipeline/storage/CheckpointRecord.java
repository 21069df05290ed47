package io.sluice.pipeline.storage;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What a committed checkpoint records besides the operator state, as stored in
 * {@code <uuid>/state.json} and in the root {@code state.json}.
 *
 * @param uuid the checkpoint's id, time-ordered
 * @param step completed circuit steps when the state was captured
 * @param createdAtMillis wall clock at capture
 * @param programFingerprint SHA-256 of the SQL program; a restore with another program is refused
 * @param counters the pipeline's cumulative counters at capture
 * @param batches every batch file the operator state references
 * @param sizeBytes bytes of the checkpoint's own files plus the batch files it references
 * @param writtenBytes bytes this checkpoint actually wrote (new batch files and its own files)
 * @param config the pipeline configuration in use when it was taken (empty in records from before it was kept)
 * @param inputPositions each connector input's position to resume after, by endpoint name (Feldera's
 *     {@code input_metadata}); empty in records from before it was kept
 */
public record CheckpointRecord(
        @JsonProperty("uuid") String uuid,
        @JsonProperty("step") long step,
        @JsonProperty("created_at_millis") long createdAtMillis,
        @JsonProperty("program_fingerprint") String programFingerprint,
        @JsonProperty("counters") Counters counters,
        @JsonProperty("batches") List<String> batches,
        @JsonProperty("size_bytes") long sizeBytes,
        @JsonProperty("written_bytes") long writtenBytes,
        @JsonProperty("config") java.util.Map<String, Object> config,
        @JsonProperty("input_positions") java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> inputPositions) {
    /** A record without input positions. */
    public CheckpointRecord(String uuid, long step, long createdAtMillis, String programFingerprint, Counters counters,
            List<String> batches, long sizeBytes, long writtenBytes, java.util.Map<String, Object> config) {
        this(uuid, step, createdAtMillis, programFingerprint, counters, batches, sizeBytes, writtenBytes, config,
                java.util.Map.of());
    }

    public CheckpointRecord {
        inputPositions = inputPositions == null ? java.util.Map.of() : java.util.Map.copyOf(inputPositions);
        requireNonNull(uuid, "uuid is null");
        config = config == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
        requireNonNull(programFingerprint, "programFingerprint is null");
        requireNonNull(counters, "counters is null");
        batches = List.copyOf(batches);
    }

    /** The pipeline's cumulative record counters, restored on resume. */
    public record Counters(
            @JsonProperty("total_input_records") long totalInputRecords,
            @JsonProperty("total_input_bytes") long totalInputBytes,
            @JsonProperty("total_processed_records") long totalProcessedRecords) {}
}
