package io.sluice.pipeline.connector.input;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.pipeline.config.ConfigException;
import io.sluice.pipeline.config.EndpointConfig;
import io.sluice.pipeline.format.Change;
import io.sluice.pipeline.format.ParsedInput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kafka_input}: reads one or more topics, every partition, with a plain assigned consumer.
 * Positions live in the pipeline's checkpoints, never in consumer-group commits: the position is
 * {@code {"partitions": {"topic:p": next_offset}}}, and a restart seeks every partition to it.
 *
 * <p>Config: {@code topic} (or {@code topics}, a list), {@code bootstrap.servers}, {@code start_from}
 * ({@code earliest}, the default, or {@code latest}: where a partition without a position starts),
 * and any other Kafka consumer property by its dotted name.
 *
 * <p>A broker that cannot be reached is reported as a transport error of the endpoint (once per
 * outage) while the consumer keeps retrying; reading resumes by itself when the broker is back.
 */
public final class KafkaInput implements InputConnector {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaInput.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PROBE = Duration.ofSeconds(2);

    private final String name;
    private final List<String> topics;
    private final Properties properties;
    private final boolean startLatest;
    private final RecordParser parser;
    private final Feed feed;
    private Thread thread;

    public KafkaInput(EndpointConfig config, RecordParser parser, Feed feed) throws ConfigException {
        this.name = config.name();
        this.parser = requireNonNull(parser, "parser is null");
        this.feed = requireNonNull(feed, "feed is null");
        ObjectNode c = config.transportConfig();
        List<String> t = new ArrayList<>();
        if (c.hasNonNull("topic")) {
            t.add(c.get("topic").asText());
        }
        c.path("topics").forEach(n -> t.add(n.asText()));
        if (t.isEmpty()) {
            throw new ConfigException("connector '" + name + "': kafka_input needs 'topic' (or 'topics')");
        }
        this.topics = List.copyOf(t);
        String start = c.path("start_from").asText("earliest");
        if (!start.equals("earliest") && !start.equals("latest")) {
            throw new ConfigException("connector '" + name + "': start_from must be earliest or latest, not '" + start + "'");
        }
        this.startLatest = start.equals("latest");
        this.properties = kafkaProperties(c, name, "kafka_input");
        if (!properties.containsKey("bootstrap.servers")) {
            throw new ConfigException("connector '" + name + "': kafka_input needs 'bootstrap.servers'");
        }
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
    }

    /** The dotted keys of a Kafka transport config: everything but Sluice's own settings. */
    public static Properties kafkaProperties(ObjectNode c, String name, String transport) throws ConfigException {
        Properties p = new Properties();
        for (Map.Entry<String, JsonNode> e : c.properties()) {
            String k = e.getKey();
            if (k.equals("topic") || k.equals("topics") || k.equals("start_from") || k.equals("exactly_once")) {
                continue;
            }
            if (!k.contains(".")) {
                throw new ConfigException("connector '" + name + "': " + transport + " has no setting '" + k
                        + "' (Kafka properties have dotted names, e.g. bootstrap.servers)");
            }
            p.put(k, e.getValue().asText());
        }
        return p;
    }

    static String key(TopicPartition tp) {
        return tp.topic() + ":" + tp.partition();
    }

    static TopicPartition partition(String key) {
        int colon = key.lastIndexOf(':');
        return new TopicPartition(key.substring(0, colon), Integer.parseInt(key.substring(colon + 1)));
    }

    static JsonNode position(Map<String, Long> offsets) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        ObjectNode parts = p.putObject("partitions");
        new TreeMap<>(offsets).forEach(parts::put);
        return p;
    }

    static Map<String, Long> offsets(JsonNode position) {
        Map<String, Long> m = new HashMap<>();
        position.path("partitions").properties().forEach(e -> m.put(e.getKey(), e.getValue().asLong()));
        return m;
    }

    @Override
    public void start(Optional<JsonNode> resumeAfter) {
        Map<String, Long> offsets = resumeAfter.map(KafkaInput::offsets).orElse(Map.of());
        feed.endpoint().initResumePosition(position(offsets));
        thread = new Thread(() -> run(new HashMap<>(offsets)), "kafka-input-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Map<String, Long> offsets) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties)) {
            if (!feed.awaitTurn()) {
                return;
            }
            List<TopicPartition> parts = assign(consumer);
            if (parts == null) {
                return;
            }
            for (TopicPartition tp : parts) {
                Long next = offsets.get(key(tp));
                if (next != null) {
                    consumer.seek(tp, next);
                } else if (startLatest) {
                    consumer.seekToEnd(List.of(tp));
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            // A partition's first position is read once it has one, so an empty step range is exact.
            for (TopicPartition tp : parts) {
                offsets.put(key(tp), positionOf(consumer, tp));
            }
            read(consumer, offsets);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("kafka input {} stopped: {}", name, e.toString());
            feed.endpoint().recordTransportError(e.toString());
            feed.endpoint().fail(e.toString());
        }
    }

    private long positionOf(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp) throws InterruptedException {
        while (true) {
            try {
                return consumer.position(tp, PROBE);
            } catch (TimeoutException e) {
                outage("cannot read the position of " + tp + ": " + e.getMessage());
                if (feed.isClosed()) {
                    throw new IllegalStateException("closed");
                }
            }
        }
    }

    /** Assigns every partition of the topics; retries while the broker cannot be reached. Null when closed. */
    private List<TopicPartition> assign(KafkaConsumer<byte[], byte[]> consumer) throws InterruptedException {
        while (!feed.isClosed()) {
            try {
                List<TopicPartition> parts = new ArrayList<>();
                for (String topic : topics) {
                    List<PartitionInfo> infos = consumer.partitionsFor(topic, PROBE);
                    if (infos == null || infos.isEmpty()) {
                        throw new TimeoutException("topic " + topic + " has no partitions (does it exist?)");
                    }
                    infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
                }
                consumer.assign(parts);
                recovered();
                return parts;
            } catch (KafkaException e) {
                outage("cannot list the partitions of " + topics + ": " + e.getMessage());
                Thread.sleep(500);
            }
        }
        return null;
    }

    private volatile boolean down;

    /** Counts one transport error per outage, not one per retry. */
    private void outage(String message) {
        if (!down) {
            down = true;
            LOG.warn("kafka input {}: {}", name, message);
            feed.endpoint().recordTransportError(message);
        }
    }

    private void recovered() {
        if (down) {
            down = false;
            LOG.info("kafka input {}: the broker is reachable again", name);
        }
    }

    private void read(KafkaConsumer<byte[], byte[]> consumer, Map<String, Long> offsets) throws InterruptedException {
        long idleSince = System.nanoTime();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (feed.awaitTurn()) {
            ConsumerRecords<byte[], byte[]> records;
            try {
                records = consumer.poll(POLL);
            } catch (KafkaException e) {
                outage("poll failed: " + e.getMessage());
                Thread.sleep(500);
                continue;
            }
            if (records.isEmpty()) {
                if (System.nanoTime() - idleSince > PROBE.toNanos()) {
                    probe(consumer);
                    idleSince = System.nanoTime();
                }
                continue;
            }
            recovered();
            idleSince = System.nanoTime();
            JsonNode from = position(offsets);
            buf.reset();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                append(buf, r.value());
                offsets.put(key(new TopicPartition(r.topic(), r.partition())), r.offset() + 1);
            }
            // Transaction markers and aborted records take offsets too: resume after them.
            for (TopicPartition tp : records.partitions()) {
                offsets.put(key(tp), Math.max(offsets.get(key(tp)), consumer.position(tp)));
            }
            byte[] data = buf.toByteArray();
            feed.push(parse(records, data), from, position(offsets));
        }
    }

    /** Parses the batch at once; when some record is bad, record by record, so one bad record spoils only itself. */
    private ParsedInput parse(ConsumerRecords<byte[], byte[]> records, byte[] data) {
        ParsedInput all = parser.parse(data, 0, data.length);
        if (all.errorCount() == 0) {
            return all;
        }
        List<Change> changes = new ArrayList<>();
        List<io.sluice.pipeline.format.ParseError> errors = new ArrayList<>();
        long count = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            byte[] v = r.value() == null ? new byte[0] : r.value();
            ParsedInput one = parser.parse(v, 0, v.length);
            changes.addAll(one.changes());
            count += one.errorCount();
            for (var e : one.errors()) {
                if (errors.size() < ParsedInput.MAX_LISTED_ERRORS) {
                    errors.add(new io.sluice.pipeline.format.ParseError(
                            e.description() + " (" + r.topic() + ":" + r.partition() + "@" + r.offset() + ")",
                            null, e.field(), e.invalidText()));
                }
            }
        }
        return new ParsedInput(changes, errors, count, data.length);
    }

    private static void append(ByteArrayOutputStream buf, byte[] value) {
        if (value != null) {
            buf.writeBytes(value);
            buf.write('\n');
        }
    }

    /** While nothing arrives, checks that the broker answers, so an outage shows in the endpoint's errors. */
    private void probe(KafkaConsumer<byte[], byte[]> consumer) {
        try {
            consumer.endOffsets(consumer.assignment(), PROBE);
            recovered();
        } catch (KafkaException e) {
            outage("the broker does not answer: " + e.getMessage());
        }
    }

    @Override
    public List<Change> replay(JsonNode from, JsonNode to) throws IOException {
        Map<String, Long> start = offsets(from);
        Map<String, Long> end = offsets(to);
        Properties p = new Properties();
        p.putAll(properties);
        List<Change> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (Map.Entry<String, Long> e : end.entrySet()) {
                long s = start.getOrDefault(e.getKey(), 0L);
                if (e.getValue() > s) {
                    remaining.put(partition(e.getKey()), e.getValue());
                }
            }
            consumer.assign(remaining.keySet());
            for (TopicPartition tp : remaining.keySet()) {
                consumer.seek(tp, start.getOrDefault(key(tp), 0L));
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!remaining.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("replay of " + name + " could not read " + remaining + " within 2 minutes");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Long stop = remaining.get(tp);
                    if (stop != null && r.offset() < stop) {
                        kept.add(r);
                    }
                }
                for (ConsumerRecord<byte[], byte[]> r : kept) {
                    append(buf, r.value());
                }
                for (TopicPartition tp : new ArrayList<>(remaining.keySet())) {
                    if (consumer.position(tp) >= remaining.get(tp)) {
                        remaining.remove(tp);
                        consumer.pause(List.of(tp));
                    }
                }
            }
            byte[] data = buf.toByteArray();
            ParsedInput parsed = parser.parse(data, 0, data.length);
            if (parsed.errorCount() == 0) {
                out.addAll(parsed.changes());
                return out;
            }
            // Bad records: parse one by one, as the live read did.
            String[] lines = new String(data, java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
            for (String line : lines) {
                byte[] b = line.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.addAll(parser.parse(b, 0, b.length).changes());
            }
            return out;
        }
    }

    @Override
    public void close() {
        feed.close();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
