package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 8 with a real Kafka broker (KRaft, in the test JVM on 127.0.0.1): {@code kafka_input} from
 * a two-partition topic into a table, a view's changes out through {@code kafka_output}.
 *
 * <ul>
 *   <li>Exactly-once under SIGKILL: a producer writes rows the whole time while the pipeline is
 *   killed at random moments and restarted; the output topic read with {@code read_committed} and
 *   folded into rows with weights equals the view over all input (the fold of a run without kills).</li>
 *   <li>Broker outage: with the broker stopped, the input endpoint reports a transport error in
 *   {@code /stats} and {@code /stats/errors} while the pipeline stays up; when the broker returns,
 *   reading resumes and every row arrives.</li>
 * </ul>
 * {@code -Dsluice.connector.kills=N} sets the kills (4 by default); {@code -Dsluice.connector.seed=S} replays a seed.
 */
class KafkaConnectorIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEYS = 10;

    @TempDir
    Path dir;

    private static String program(String bootstrap, boolean withOutput) {
        String output = withOutput ? """
                 WITH ('connectors' = '[{"name": "kafka", "transport": {"name": "kafka_output",
                  "config": {"bootstrap.servers": "%s", "topic": "out"}}, "format": {"name": "json"}}]')""".formatted(bootstrap)
                : "";
        return """
                CREATE TABLE t (id BIGINT NOT NULL, k INT NOT NULL, v BIGINT NOT NULL) WITH ('connectors' = '[{
                  "name": "kafka", "transport": {"name": "kafka_input", "config": {"bootstrap.servers": "%s", "topic": "in"}},
                  "format": {"name": "csv"}}]');
                CREATE VIEW agg %s
                AS SELECT k, COUNT(*) AS n, SUM(v) AS s FROM t GROUP BY k;
                """.formatted(bootstrap, output);
    }

    private static long value(long id) {
        return id * 7 % 1000;
    }

    private static void createTopics(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic("in", 2, (short) 1), new NewTopic("out", 1, (short) 1))).all().get();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        p.put("delivery.timeout.ms", "120000");
        return new KafkaProducer<>(p);
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, long from, long to) {
        for (long id = from; id < to; id++) {
            String row = id + "," + (id % KEYS) + "," + value(id);
            producer.send(new ProducerRecord<>("in", (int) (id % 2), null, row.getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
    }

    @Test
    void exactlyOnce_underSigkill_outputTopicFoldsToTheNoKillResult() throws Exception {
        int rows = 20_000;
        int kills = Integer.getInteger("sluice.connector.kills", 4);
        long seed = Long.getLong("sluice.connector.seed", System.nanoTime());
        System.out.printf("KafkaConnectorIT: seed=%d kills=%d%n", seed, kills);
        Random random = new Random(seed);
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir).start()) {
            createTopics(kafka.bootstrap());
            PipelineProcess.Options options = PipelineProcess.options(dir.resolve("work"), program(kafka.bootstrap(), true), false)
                    .withConfig("fault_tolerance: {model: exactly_once, checkpoint_interval_secs: 1}\n");
            AtomicLong sent = new AtomicLong();
            Thread writer = new Thread(() -> {
                try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrap())) {
                    while (sent.get() < rows) {
                        long from = sent.get();
                        long to = Math.min(rows, from + 100);
                        send(producer, from, to);
                        sent.set(to);
                        Thread.sleep(15);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "producer");
            writer.start();
            int replays = 0;
            for (int kill = 0; kill < kills; kill++) {
                try (PipelineProcess p = PipelineProcess.start(options)) {
                    p.awaitStatus("Running", Duration.ofSeconds(60));
                    replays += p.log().contains("replaying the input journal") ? 1 : 0;
                    Thread.sleep(500 + random.nextInt(2500));
                    p.signal("KILL");
                    p.awaitExit(Duration.ofSeconds(10));
                }
            }
            writer.join();
            Map<String, Long> expected = new TreeMap<>();
            for (int k = 0; k < KEYS; k++) {
                long n = 0;
                long s = 0;
                for (long id = k; id < rows; id += KEYS) {
                    n++;
                    s += value(id);
                }
                expected.put("{\"k\":" + k + ",\"n\":" + n + ",\"s\":" + s + "}", 1L);
            }
            try (PipelineProcess p = PipelineProcess.start(options);
                    KafkaConsumer<byte[], byte[]> consumer = committedReader(kafka.bootstrap())) {
                p.awaitStatus("Running", Duration.ofSeconds(60));
                ConnectorOutputFold fold = new ConnectorOutputFold();
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (System.nanoTime() < deadline && !fold.weights().equals(expected)) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        fold.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
                assertThat(fold.weights()).isEqualTo(expected);
                replays += p.log().contains("replaying the input journal") ? 1 : 0;
                System.out.printf("KafkaConnectorIT: %d of %d restarts replayed journaled steps%n", replays, kills);
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("isolation.level", "read_committed");
        p.put("key.deserializer", ByteArrayDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        TopicPartition tp = new TopicPartition("out", 0);
        c.assign(List.of(tp));
        c.seekToBeginning(List.of(tp));
        return c;
    }

    @Test
    void brokerOutage_isReportedAndRecoveredFrom() throws Exception {
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir).start()) {
            createTopics(kafka.bootstrap());
            PipelineProcess.Options options = PipelineProcess.options(dir.resolve("work"), program(kafka.bootstrap(), false), false);
            try (PipelineProcess p = PipelineProcess.start(options)) {
                p.awaitStatus("Running", Duration.ofSeconds(60));
                try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrap())) {
                    send(producer, 0, 100);
                }
                awaitProcessed(p, 100);
                kafka.stop();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline && transportErrors(p) == 0) {
                    Thread.sleep(200);
                }
                assertThat(transportErrors(p)).as("transport errors while the broker is down").isPositive();
                assertThat(p.get("/stats/errors").body()).contains("kafka");
                assertThat(p.get("/status").body()).contains("\"runtime_status\":\"Running\"");
                kafka.start();
                try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrap())) {
                    send(producer, 100, 200);
                }
                awaitProcessed(p, 200);
            }
        }
    }

    private static long transportErrors(PipelineProcess p) throws Exception {
        JsonNode stats = JSON.readTree(p.get("/stats").body());
        return stats.path("inputs").get(0).path("metrics").path("num_transport_errors").asLong();
    }

    private static void awaitProcessed(PipelineProcess p, long n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long processed = 0;
        while (System.nanoTime() < deadline) {
            processed = JSON.readTree(p.get("/stats").body()).path("global_metrics").path("total_processed_records").asLong();
            if (processed >= n) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(processed).as("processed records").isEqualTo(n);
    }
}
