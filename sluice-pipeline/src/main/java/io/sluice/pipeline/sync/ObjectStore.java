package io.sluice.pipeline.sync;

import io.sluice.pipeline.config.SyncConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One bucket and key prefix of an S3-compatible store, reduced to what checkpoint sync needs. Keys
 * are given relative to the prefix. Every failure of the store (unreachable, refused, an error
 * answer) surfaces as an {@link IOException} naming the operation and the key.
 *
 * <p>The AWS SDK's JDK {@code URLConnection} transport is used (no Netty, no Apache client); the
 * SDK retries a failed request a few times itself before the error reaches us.
 */
final class ObjectStore implements AutoCloseable {
    private final S3Client s3;
    private final SyncConfig.Location location;
    private final boolean ownsClient;

    private ObjectStore(S3Client s3, SyncConfig.Location location, boolean ownsClient) {
        this.s3 = s3;
        this.location = location;
        this.ownsClient = ownsClient;
    }

    static ObjectStore open(SyncConfig config) {
        return new ObjectStore(client(config), config.location(), true);
    }

    /** The same connection settings on another bucket (the read-only {@code read_bucket}); closing it leaves the client open. */
    ObjectStore sibling(SyncConfig.Location other) {
        return new ObjectStore(s3, other, false);
    }

    private static S3Client client(SyncConfig config) {
        AwsCredentialsProvider credentials = config.accessKey().isPresent()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create(config.accessKey().get(), config.secretKey().orElseThrow()))
                : DefaultCredentialsProvider.builder().build();
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build())
                .region(Region.of(config.region()))
                .credentialsProvider(credentials)
                // S3-compatible stores differ in which checksum headers they know; send them only where S3 requires one.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        config.endpoint().ifPresent(e -> builder.endpointOverride(e).forcePathStyle(true));
        return builder.build();
    }

    SyncConfig.Location location() {
        return location;
    }

    private String key(String relative) {
        return location.prefix() + relative;
    }

    void put(String relative, byte[] bytes) throws IOException {
        try {
            s3.putObject(b -> b.bucket(location.bucket()).key(key(relative)).contentLength((long) bytes.length),
                    RequestBody.fromBytes(bytes));
        } catch (SdkException e) {
            throw failure("upload", relative, e);
        }
    }

    void put(String relative, Path file) throws IOException {
        try {
            s3.putObject(b -> b.bucket(location.bucket()).key(key(relative)), RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw failure("upload", relative, e);
        }
    }

    /** The object's contents, or empty when there is no such key. */
    Optional<byte[]> get(String relative) throws IOException {
        try {
            ResponseBytes<GetObjectResponse> r = s3.getObjectAsBytes(b -> b.bucket(location.bucket()).key(key(relative)));
            return Optional.of(r.asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("download", relative, e);
        }
    }

    /** Downloads into {@code target}, which must not exist. */
    void download(String relative, Path target) throws IOException {
        try {
            s3.getObject(b -> b.bucket(location.bucket()).key(key(relative)), ResponseTransformer.toFile(target));
        } catch (SdkException e) {
            throw failure("download", relative, e);
        }
    }

    /** Keys under {@code relativePrefix} (relative to this store's prefix), with their sizes. */
    Map<String, Long> list(String relativePrefix) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        try {
            ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(location.bucket())
                    .prefix(key(relativePrefix)).build();
            for (ListObjectsV2Response page : s3.listObjectsV2Paginator(request)) {
                for (S3Object o : page.contents()) {
                    out.put(o.key().substring(location.prefix().length()), o.size());
                }
            }
        } catch (SdkException e) {
            throw failure("list", relativePrefix + "*", e);
        }
        return out;
    }

    void delete(List<String> relatives) throws IOException {
        for (int from = 0; from < relatives.size(); from += 1000) {
            List<ObjectIdentifier> ids = new ArrayList<>();
            for (String r : relatives.subList(from, Math.min(relatives.size(), from + 1000))) {
                ids.add(ObjectIdentifier.builder().key(key(r)).build());
            }
            try {
                var response = s3.deleteObjects(b -> b.bucket(location.bucket()).delete(Delete.builder().objects(ids).quiet(true).build()));
                if (response.hasErrors() && !response.errors().isEmpty()) {
                    throw new IOException("deleting from " + location + " failed for " + response.errors().size() + " keys, first: "
                            + response.errors().get(0).key() + " (" + response.errors().get(0).message() + ")");
                }
            } catch (SdkException e) {
                throw failure("delete", relatives.get(from) + " and others", e);
            }
        }
    }

    private IOException failure(String what, String relative, SdkException e) {
        return new IOException(what + " of " + location + "/" + relative + " failed: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        if (ownsClient) {
            s3.close();
        }
    }
}
