package io.sluice.pipeline.sync;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layout of checkpoints in the bucket, under the configured prefix: the local layout of the
 * storage directory, plus one manifest per checkpoint written last and the ownership record.
 *
 * <pre>
 *   owner.json                          which process writes this bucket (see {@link Owner})
 *   batches/b-&lt;uuid&gt;.batch             immutable batch files, shared by checkpoints, uploaded once
 *   checkpoints/&lt;uuid&gt;/circuit.manifest  a checkpoint's own files
 *   checkpoints/&lt;uuid&gt;/state.json
 *   checkpoints/&lt;uuid&gt;.json             the checkpoint's manifest: present only once every file above is
 * </pre>
 */
final class RemoteLayout {
    static final String OWNER = "owner.json";
    static final String BATCHES = "batches/";
    static final String CHECKPOINTS = "checkpoints/";
    private static final Pattern MANIFEST = Pattern.compile("checkpoints/([0-9a-f-]{36})\\.json");

    private RemoteLayout() {
    }

    static String manifestKey(String uuid) {
        return CHECKPOINTS + uuid + ".json";
    }

    /** The checkpoint uuid if {@code key} is a manifest key. */
    static Optional<String> manifestUuid(String key) {
        Matcher m = MANIFEST.matcher(key);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** One file of a checkpoint, by its path relative to the storage root and the prefix. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record RemoteFile(@JsonProperty("path") String path, @JsonProperty("size") long size) {}

    /**
     * A checkpoint's manifest.
     *
     * @param epoch the ownership epoch of the process that pushed it: checkpoints rank by epoch, then by uuid
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Manifest(
            @JsonProperty("uuid") String uuid,
            @JsonProperty("step") long step,
            @JsonProperty("created_at_millis") long createdAtMillis,
            @JsonProperty("pushed_at") String pushedAt,
            @JsonProperty("pipeline") String pipeline,
            @JsonProperty("owner") String owner,
            @JsonProperty("epoch") long epoch,
            @JsonProperty("files") List<RemoteFile> files,
            @JsonProperty("size_bytes") long sizeBytes) {
        static final Comparator<Manifest> RANK = Comparator.comparingLong(Manifest::epoch).thenComparing(Manifest::uuid);
    }

    /**
     * The ownership record: the one process that may push to this bucket. A process claims it when it
     * starts active or when a standby is activated, with the next epoch; a process that finds another
     * owner in it stops pushing.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Owner(
            @JsonProperty("pipeline") String pipeline,
            @JsonProperty("owner") String owner,
            @JsonProperty("epoch") long epoch,
            @JsonProperty("claimed_at") String claimedAt,
            @JsonProperty("deployment_id") String deploymentId) {}
}
