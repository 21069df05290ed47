package io.sluice.pipeline.sync;

import io.sluice.pipeline.api.DesiredStatus;
import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.config.SyncConfig;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.storage.StorageDirectory;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What initialization does with checkpoint sync configured, before the latest local checkpoint is
 * opened (on the {@code pipeline-init} thread):
 * <ul>
 *   <li><b>Standby</b> ({@code --initial standby}, storage not activated before): pull the newest
 *   checkpoint every {@code pull_interval} until {@code /activate}; then take over the bucket,
 *   pull once more (a failure of that last pull fails initialization) and record the activation
 *   in {@code activated.json}.</li>
 *   <li><b>Active</b> with {@code start_from_checkpoint}: one pull, which fills an empty or stale
 *   storage directory; a store that cannot be read fails initialization (starting from an older
 *   or empty state instead would later be pushed over the bucket's newer one).
 *   {@code fail_if_no_checkpoint} fails it when neither the bucket nor the directory has one.</li>
 *   <li>Active: claim the bucket. If the store cannot be reached now, the claim is retried before
 *   the first push.</li>
 * </ul>
 */
public final class SyncStartup {
    private static final Logger LOG = LoggerFactory.getLogger(SyncStartup.class);

    private SyncStartup() {
    }

    public static void prepare(Pipeline pipeline, StorageDirectory storage, CheckpointSync sync)
            throws IOException, InterruptedException {
        SyncConfig config = sync.config();
        try {
            boolean standby = pipeline.desired() == DesiredStatus.Standby;
            if (standby && storage.readActivated().isPresent()) {
                LOG.info("this storage directory was activated from standby before; resuming from its local checkpoint"
                        + " instead of waiting in standby again");
                pipeline.skipStandby();
                standby = false;
            }
            if (standby) {
                standby(pipeline, storage, sync, config);
            } else {
                if (config.startFromCheckpoint().isPresent()) {
                    pullAtStart(storage, sync, config);
                }
                try {
                    sync.claim(false);
                } catch (CheckpointSync.OwnershipException e) {
                    LOG.error("this pipeline will not push checkpoints: {}", e.getMessage());
                } catch (IOException e) {
                    LOG.warn("cannot claim bucket {} now ({}); the claim is retried before the first push",
                            config.location(), e.getMessage());
                }
            }
            sync.start();
        } catch (IOException | InterruptedException | RuntimeException e) {
            sync.close();
            throw e;
        }
    }

    private static void pullAtStart(StorageDirectory storage, CheckpointSync sync, SyncConfig config) {
        CheckpointSync.PullResult r;
        try {
            r = sync.pullAtStart();
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.INITIALIZATION_ERROR, "cannot pull the checkpoint to start from ("
                    + config.startFromCheckpoint().get() + ") from bucket " + config.location() + ": " + e.getMessage(),
                    Map.of("error", "CheckpointFetchError"), e);
        }
        if (r.uuid().isEmpty() && storage.latest().isEmpty()) {
            if (config.failIfNoCheckpoint()) {
                throw new SluiceException(ErrorCode.INITIALIZATION_ERROR, "bucket " + config.location()
                        + config.readBucket().map(b -> " (and read_bucket " + b + ")").orElse("") + " holds no checkpoint"
                        + (config.startFromCheckpoint().get().equals(SyncConfig.LATEST) ? ""
                                : " " + config.startFromCheckpoint().get())
                        + ", and fail_if_no_checkpoint is set", Map.of("error", "NoCheckpointToStartFrom"));
            }
            LOG.info("no checkpoint in bucket {} to start from; starting from empty state", config.location());
        }
    }

    private static void standby(Pipeline pipeline, StorageDirectory storage, CheckpointSync sync, SyncConfig config)
            throws IOException, InterruptedException {
        pipeline.standbyPhase(true);
        LOG.atInfo().addKeyValue("bucket", config.location()).addKeyValue("pull_interval_secs", config.pullInterval().toSeconds())
                .log("standby: following the bucket until /activate");
        while (pipeline.desired() == DesiredStatus.Standby) {
            try {
                sync.pullLatest();
            } catch (IOException | RuntimeException e) {
                LOG.warn("standby pull failed (retried in {} s): {}", config.pullInterval().toSeconds(), e.getMessage());
            }
            long until = System.nanoTime() + config.pullInterval().toNanos();
            while (pipeline.desired() == DesiredStatus.Standby && System.nanoTime() - until < 0) {
                Thread.sleep(100);
            }
        }
        if (pipeline.desired() == DesiredStatus.Suspended) {
            return;
        }
        LOG.info("activated: taking over bucket {} and pulling its newest checkpoint", config.location());
        try {
            sync.claim(true);
            CheckpointSync.PullResult last = sync.pullLatest();
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("checkpoint", last.uuid().orElse(null));
            record.put("activated_at", Instant.now().toString());
            storage.writeActivated(record);
        } catch (IOException e) {
            throw new SluiceException(ErrorCode.INITIALIZATION_ERROR, "activation failed: cannot take over bucket "
                    + config.location() + " or pull its newest checkpoint: " + e.getMessage(),
                    Map.of("error", "CheckpointFetchError"), e);
        }
        pipeline.standbyPhase(false);
    }
}
