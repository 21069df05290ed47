package io.sluice.bench.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in the benchmark's JVM,
 * on 127.0.0.1 and free ports, its log in {@code dir/kafka-logs}. Uses Kafka's server classes, so it
 * is pinned to the Kafka version of the build. The broker's own INFO logging is turned down to WARN.
 */
final class KafkaBroker implements AutoCloseable {
    private final int port;
    private KafkaRaftServer server;

    private KafkaBroker(int port) {
        this.port = port;
    }

    /** Formats the log directory under {@code dir} and starts the broker. */
    static KafkaBroker start(Path dir) throws IOException {
        quietKafkaLogging();
        Path logDir = dir.resolve("kafka-logs");
        Files.createDirectories(logDir);
        int port = freePort();
        int controllerPort = freePort();
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", logDir.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        Path file = dir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
        kafka.tools.StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", file.toString(),
                "--standalone"}, new PrintStream(OutputStream.nullOutputStream()));
        KafkaBroker broker = new KafkaBroker(port);
        broker.server = new KafkaRaftServer(KafkaConfig.fromProps(p), Time.SYSTEM);
        broker.server.startup();
        return broker;
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The broker logs every segment roll and metadata change at INFO; only warnings are of interest here. */
    private static void quietKafkaLogging() {
        for (String name : new String[] {"kafka", "org.apache.kafka", "state.change.logger"}) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
