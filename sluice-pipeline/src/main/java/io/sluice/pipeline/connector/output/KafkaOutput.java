package io.sluice.pipeline.connector.output;

import static java.util.Objects.requireNonNull;

import io.sluice.engine.algebra.Batch;
import io.sluice.pipeline.config.ConfigException;
import io.sluice.pipeline.config.EndpointConfig;
import io.sluice.pipeline.connector.input.KafkaInput;
import io.sluice.pipeline.controller.OutputEndpoint;
import io.sluice.sql.Relation;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kafka_output}: publishes a view's changes to a topic, one JSON or CSV record per message.
 *
 * <p>Exactly-once (when the pipeline's model is {@code exactly_once}, unless {@code exactly_once:
 * false}): each step's records go out in one Kafka transaction, every message carrying the step
 * number in the header {@code sluice_step}. On open, {@code initTransactions} fences an older
 * instance and aborts its open transaction, and the last committed step is read back from the
 * topic with {@code read_committed}; the journal's replay then skips the steps up to it. Readers
 * use {@code isolation.level=read_committed}. Without exactly-once, a step is published and
 * flushed; a resumed pipeline may publish steps since its checkpoint again.
 */
public final class KafkaOutput implements OutputConnector {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutput.class);
    public static final String STEP_HEADER = "sluice_step";
    private static final long RETRY_MILLIS = 1000;

    private final String topic;
    private final Properties properties;
    private final boolean exactlyOnce;
    private final RecordEncoder encoder;
    private final OutputEndpoint endpoint;
    private KafkaProducer<byte[], byte[]> producer;
    private long lastStep;
    private boolean needsInit;
    private volatile boolean closed;

    public KafkaOutput(EndpointConfig config, Relation view, OutputEndpoint endpoint, boolean exactlyOnce,
            String pipelineName) throws ConfigException {
        this.endpoint = requireNonNull(endpoint, "endpoint is null");
        this.topic = config.transportText("topic").orElseThrow(
                () -> new ConfigException("connector '" + config.name() + "': kafka_output needs 'topic'"));
        this.exactlyOnce = exactlyOnce && config.transportConfig().path("exactly_once").asBoolean(true);
        this.properties = KafkaInput.kafkaProperties(config.transportConfig(), config.name(), "kafka_output");
        if (!properties.containsKey("bootstrap.servers")) {
            throw new ConfigException("connector '" + config.name() + "': kafka_output needs 'bootstrap.servers'");
        }
        this.encoder = RecordEncoder.of(config, view);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        if (this.exactlyOnce) {
            properties.putIfAbsent(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sluice-" + pipelineName + "-" + config.name());
        }
    }

    @Override
    public void open(boolean resuming) {
        producer = new KafkaProducer<>(properties);
        if (!exactlyOnce) {
            return;
        }
        while (!closed) {
            try {
                producer.initTransactions();
                lastStep = lastCommittedStep();
                LOG.info("kafka output {}: topic {} holds steps up to {}", endpoint.name(), topic, lastStep);
                return;
            } catch (KafkaException e) {
                if (e instanceof ProducerFencedException) {
                    throw e;
                }
                endpoint.recordTransportError("cannot start transactions on " + topic + ": " + e.getMessage());
                sleep();
            }
        }
    }

    /** The highest {@value #STEP_HEADER} among the committed messages of the topic (0 when none). */
    private long lastCommittedStep() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, properties.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long max = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            consumer.assign(parts);
            var ends = consumer.endOffsets(parts, Duration.ofSeconds(30));
            for (TopicPartition tp : parts) {
                long end = ends.get(tp);
                // Walk back from the end in growing windows until a committed message shows up.
                for (long window = 64; ; window *= 4) {
                    long from = Math.max(0, end - window);
                    long found = maxStep(consumer, tp, from, end);
                    if (found > 0 || from == 0) {
                        max = Math.max(max, found);
                        break;
                    }
                }
            }
        }
        return max;
    }

    private static long maxStep(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, long from, long end) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, from);
        long max = 0;
        while (consumer.position(tp, Duration.ofSeconds(30)) < end) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                Header h = r.headers().lastHeader(STEP_HEADER);
                if (h != null) {
                    max = Math.max(max, ByteBuffer.wrap(h.value()).getLong());
                }
            }
        }
        return max;
    }

    @Override
    public void onSnapshot(Batch contents) {
        onDelta(0, contents);
    }

    @Override
    public void onDelta(long step, Batch delta) {
        if (exactlyOnce && step <= lastStep) {
            return;
        }
        List<byte[]> records = encoder.encode(delta);
        long bytes = 0;
        for (byte[] r : records) {
            bytes += r.length;
        }
        byte[] stepBytes = ByteBuffer.allocate(8).putLong(step).array();
        boolean reported = false;
        while (!closed) {
            try {
                publish(records, stepBytes);
                endpoint.transmitted(records.size(), bytes);
                lastStep = step;
                if (reported) {
                    LOG.info("kafka output {}: publishing again", endpoint.name());
                }
                return;
            } catch (ProducerFencedException e) {
                endpoint.fail("another producer with the same transactional.id took over: " + e.getMessage());
                throw e;
            } catch (KafkaException | IllegalStateException | java.util.concurrent.ExecutionException e) {
                if (!reported) {
                    endpoint.recordTransportError("cannot publish step " + step + " to " + topic + ": " + e.getMessage());
                    LOG.warn("kafka output {}: {}; retrying", endpoint.name(), e.toString());
                    reported = true;
                }
                resetAfterFailure();
                sleep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void publish(List<byte[]> records, byte[] step) throws java.util.concurrent.ExecutionException, InterruptedException {
        if (exactlyOnce) {
            if (needsInit) {
                producer.initTransactions();
                needsInit = false;
            }
            producer.beginTransaction();
        }
        List<Future<?>> sent = new ArrayList<>(records.size());
        for (byte[] r : records) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, null, r);
            record.headers().add(STEP_HEADER, step);
            sent.add(producer.send(record));
        }
        if (exactlyOnce) {
            producer.commitTransaction();
        } else {
            producer.flush();
        }
        for (Future<?> f : sent) {
            f.get();
        }
    }

    /** After a failed step: abort its transaction, or start over with a new producer when that fails too. */
    private void resetAfterFailure() {
        try {
            if (exactlyOnce) {
                producer.abortTransaction();
            }
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            producer = new KafkaProducer<>(properties);
            needsInit = exactlyOnce;
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void onEnd() {
    }

    @Override
    public void close() {
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
