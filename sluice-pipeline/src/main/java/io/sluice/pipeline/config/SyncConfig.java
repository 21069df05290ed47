package io.sluice.pipeline.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Where checkpoints are pushed to and pulled from: {@code storage.backend.config.sync} of the
 * pipeline configuration, Feldera's {@code SyncConfig}.
 *
 * @param bucket the bucket this pipeline reads and writes
 * @param prefix the key prefix inside {@code bucket} ({@code ""} or ending in {@code /})
 * @param endpoint the S3 endpoint, or empty for AWS itself
 * @param region the signing region
 * @param accessKey with {@code secretKey}: static credentials; both empty means the AWS SDK's default chain
 * @param secretKey see {@code accessKey}
 * @param startFromCheckpoint {@code latest} or a checkpoint uuid: pull before opening the local checkpoint
 * @param failIfNoCheckpoint with {@code startFromCheckpoint}: refuse to start when the bucket has none
 * @param pullInterval how often a standby pulls
 * @param pushInterval periodic push of the newest local checkpoint, or empty for none
 * @param retentionMinCount remote checkpoints always kept
 * @param retentionMinAge remote checkpoints younger than this are kept
 * @param readBucket a read-only bucket (and prefix) to pull from when {@code bucket} holds no checkpoint
 */
public record SyncConfig(
        String bucket,
        String prefix,
        Optional<URI> endpoint,
        String region,
        Optional<String> accessKey,
        Optional<String> secretKey,
        Optional<String> startFromCheckpoint,
        boolean failIfNoCheckpoint,
        Duration pullInterval,
        Optional<Duration> pushInterval,
        int retentionMinCount,
        Duration retentionMinAge,
        Optional<Location> readBucket) {
    public static final String LATEST = "latest";
    static final String FIELD = "storage.backend.config.sync";
    private static final Set<String> FIELDS = Set.of("bucket", "endpoint", "region", "provider", "access_key",
            "secret_key", "start_from_checkpoint", "fail_if_no_checkpoint", "pull_interval", "push_interval",
            "retention_min_count", "retention_min_age", "read_bucket", "standby");
    /** rclone tuning knobs of Feldera's implementation: accepted so a Feldera config loads, and ignored. */
    private static final Set<String> IGNORED = Set.of("transfers", "checkers", "ignore_checksum", "multi_thread_streams",
            "multi_thread_cutoff", "upload_concurrency", "optimize_download_resources", "flags");

    /** A bucket and a key prefix inside it. */
    public record Location(String bucket, String prefix) {
        public Location {
            requireNonNull(bucket, "bucket is null");
            requireNonNull(prefix, "prefix is null");
        }

        @Override
        public String toString() {
            return prefix.isEmpty() ? bucket : bucket + "/" + prefix.substring(0, prefix.length() - 1);
        }
    }

    public SyncConfig {
        requireNonNull(bucket, "bucket is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(region, "region is null");
        requireNonNull(startFromCheckpoint, "startFromCheckpoint is null");
        requireNonNull(pullInterval, "pullInterval is null");
        requireNonNull(pushInterval, "pushInterval is null");
        requireNonNull(retentionMinAge, "retentionMinAge is null");
        requireNonNull(readBucket, "readBucket is null");
    }

    public Location location() {
        return new Location(bucket, prefix);
    }

    /** Parses the {@code sync} object; every error names the field. */
    static SyncConfig parse(JsonNode sync) throws ConfigException {
        if (!sync.isObject()) {
            throw new ConfigException("config field '" + FIELD + "' must be an object, not " + sync.getNodeType());
        }
        for (Iterator<String> it = sync.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f) && !IGNORED.contains(f)) {
                throw new ConfigException("config field '" + FIELD + "." + f + "' is unknown");
            }
        }
        String bucketText = text(sync, "bucket").orElseThrow(() -> new ConfigException(
                "config field '" + FIELD + ".bucket' is missing: name the bucket (optionally with a prefix, bucket/prefix)"));
        Location location = location(bucketText, "bucket");
        Optional<URI> endpoint = Optional.empty();
        Optional<String> endpointText = text(sync, "endpoint");
        if (endpointText.isPresent()) {
            try {
                URI uri = new URI(endpointText.get());
                if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                        || uri.getHost() == null) {
                    throw new URISyntaxException(endpointText.get(), "expected http://host[:port] or https://host[:port]");
                }
                endpoint = Optional.of(uri);
            } catch (URISyntaxException e) {
                throw new ConfigException("config field '" + FIELD + ".endpoint' is not a URL: " + e.getMessage());
            }
        }
        String region = text(sync, "region").orElse("us-east-1");
        text(sync, "provider");
        Optional<String> accessKey = text(sync, "access_key");
        Optional<String> secretKey = text(sync, "secret_key");
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new ConfigException("config fields '" + FIELD + ".access_key' and '" + FIELD
                    + ".secret_key' go together: give both, or neither to use the AWS default credential chain");
        }
        Optional<String> start = text(sync, "start_from_checkpoint");
        if (start.isPresent() && !start.get().equals(LATEST)) {
            try {
                UUID.fromString(start.get());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("config field '" + FIELD + ".start_from_checkpoint' must be \"latest\" or a"
                        + " checkpoint uuid, not \"" + start.get() + "\"");
            }
        }
        boolean failIfNone = bool(sync, "fail_if_no_checkpoint", false);
        if (failIfNone && start.isEmpty()) {
            throw new ConfigException("config field '" + FIELD + ".fail_if_no_checkpoint' needs "
                    + "'start_from_checkpoint' (it says what to do when the pull at start finds nothing)");
        }
        Duration pull = Duration.ofSeconds(positive(sync, "pull_interval", "seconds").orElse(10L));
        Optional<Duration> push = positive(sync, "push_interval", "seconds").map(Duration::ofSeconds);
        long minCount = positive(sync, "retention_min_count", "checkpoints").orElse(10L);
        if (minCount > Integer.MAX_VALUE) {
            throw new ConfigException("config field '" + FIELD + ".retention_min_count' is too large");
        }
        Duration minAge = Duration.ofDays(nonNegative(sync, "retention_min_age").orElse(30L));
        Optional<String> readText = text(sync, "read_bucket");
        Optional<Location> read = readText.isPresent() ? Optional.of(location(readText.get(), "read_bucket")) : Optional.empty();
        if (read.isPresent() && read.get().equals(location)) {
            throw new ConfigException("config field '" + FIELD + ".read_bucket' must differ from 'bucket' (it is a"
                    + " read-only source to start from, not the bucket this pipeline writes)");
        }
        if (bool(sync, "standby", false)) {
            throw new ConfigException("config field '" + FIELD + ".standby' is no longer supported: start the pipeline"
                    + " with --initial standby instead");
        }
        return new SyncConfig(location.bucket(), location.prefix(), endpoint, region, accessKey, secretKey, start,
                failIfNone, pull, push, (int) minCount, minAge, read);
    }

    private static Location location(String text, String field) throws ConfigException {
        String t = text.strip();
        if (t.startsWith("s3://")) {
            t = t.substring("s3://".length());
        }
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        int slash = t.indexOf('/');
        String bucket = slash < 0 ? t : t.substring(0, slash);
        String prefix = slash < 0 ? "" : t.substring(slash + 1) + "/";
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]") || prefix.contains("//")) {
            throw new ConfigException("config field '" + FIELD + "." + field + "' must be a bucket name"
                    + " (3-63 lower-case letters, digits, dots, hyphens), optionally followed by /prefix, not \"" + text + "\"");
        }
        return new Location(bucket, prefix);
    }

    private static Optional<String> text(JsonNode node, String field) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            throw new ConfigException("config field '" + FIELD + "." + field + "' must be a non-empty string, not " + v);
        }
        return Optional.of(v.textValue());
    }

    private static boolean bool(JsonNode node, String field, boolean dflt) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw new ConfigException("config field '" + FIELD + "." + field + "' must be true or false, not " + v);
        }
        return v.booleanValue();
    }

    private static Optional<Long> positive(JsonNode node, String field, String unit) throws ConfigException {
        Optional<Long> v = nonNegative(node, field);
        if (v.isPresent() && v.get() < 1) {
            throw new ConfigException("config field '" + FIELD + "." + field + "' must be a positive integer (" + unit
                    + "), not " + node.get(field));
        }
        return v;
    }

    private static Optional<Long> nonNegative(JsonNode node, String field) throws ConfigException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new ConfigException("config field '" + FIELD + "." + field + "' must be a non-negative integer"
                    + (field.equals("retention_min_age") ? " (days)" : " (seconds)") + ", not " + v);
        }
        return Optional.of(v.asLong());
    }
}
