package io.sluice.pipeline.shutdown;

import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.sync.CheckpointSync;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push of the final checkpoint on SIGTERM, with checkpoint sync configured. It waits for a push
 * already running (one at a time), then pushes; the time it took is logged ({@code sync_push_ms}),
 * reported in {@code /status} ({@code runtime_status_details.shutdown.sync_push_msecs}) and in
 * {@code /metrics} ({@code shutdown_sync_push_duration_seconds}), so the grace period can be sized
 * to include it. There is no deadline of our own: the kubelet's SIGKILL at the end of the grace
 * period is the deadline, and the bucket's previous checkpoint then stays the resume point.
 */
final class FinalPush {
    private static final Logger LOG = LoggerFactory.getLogger(FinalPush.class);

    private FinalPush() {
    }

    /** Pushes {@code uuid}; true when it is in the bucket. */
    static boolean push(Pipeline pipeline, String uuid) throws InterruptedException {
        CheckpointSync sync = pipeline.sync().orElseThrow();
        pipeline.reportShutdown(pipeline.view().shutdown().orElseThrow().withStage("pushing"));
        long start = System.nanoTime();
        Optional<String> error = Optional.empty();
        try {
            CheckpointSync.PushResult r = sync.requestPush(uuid, "shutdown").get();
            LOG.atInfo().addKeyValue("checkpoint", r.uuid()).addKeyValue("bucket", sync.config().location())
                    .addKeyValue("uploaded_bytes", r.uploadedBytes()).addKeyValue("uploaded_files", r.uploadedFiles())
                    .addKeyValue("sync_push_ms", Duration.ofNanos(System.nanoTime() - start).toMillis())
                    .log("final checkpoint pushed to the object store");
        } catch (ExecutionException e) {
            String message = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            error = Optional.of(message);
            LOG.atError().addKeyValue("checkpoint", uuid).addKeyValue("sync_push_ms", Duration.ofNanos(System.nanoTime() - start).toMillis())
                    .log("cannot push the final checkpoint to the object store ({}); the bucket's newest checkpoint is older"
                            + " than this shutdown (the local one is complete)", message);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        sync.status().shutdownPush(uuid, took, error);
        pipeline.reportShutdown(pipeline.view().shutdown().orElseThrow().withSyncPush(took.toMillis(), error.orElse(null)));
        return error.isEmpty();
    }
}
