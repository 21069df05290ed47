package io.sluice.pipeline;

import io.sluice.pipeline.api.DesiredStatus;
import io.sluice.pipeline.config.CleanShutdownSetting;
import io.sluice.pipeline.config.ConfigException;
import io.sluice.pipeline.config.ConfigLoader;
import io.sluice.pipeline.config.PipelineConfig;
import io.sluice.pipeline.controller.Pipeline;
import io.sluice.pipeline.server.PipelineServer;
import io.sluice.pipeline.server.TlsSettings;
import io.sluice.pipeline.shutdown.ShutdownCoordinator;
import io.sluice.sql.CompiledProgram;
import io.sluice.sql.SqlCompileException;
import io.sluice.sql.SqlCompiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The pipeline process. Two forms:
 * <pre>
 *   java -jar sluice.jar --config-file config.yaml [--sql-file program.sql] --initial running ...
 *   java -jar sluice.jar run program.sql [--port 8080] [--storage ./sluice-data]
 * </pre>
 * Exit codes: 0 after a shutdown by signal; 1 for a bad config or program, a port that cannot be
 * bound, or a final checkpoint that failed; 2 for an unknown option or a missing argument; 130 for a
 * second SIGINT during a shutdown.
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Runs one incremental SQL pipeline and serves its HTTP API.",
        subcommands = Main.Run.class)
public final class Main implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    @Option(names = {"-c", "--config-file"}, description = "pipeline configuration, YAML or JSON")
    Path configFile;

    @Option(names = "--sql-file", description = "the SQL program (else the config's program_code)")
    Path sqlFile;

    @Option(names = {"-b", "--bind-address"}, defaultValue = "127.0.0.1", description = "address to bind (default ${DEFAULT-VALUE})")
    String bindAddress;

    @Option(names = {"-p", "--default-port"}, defaultValue = "0", description = "port to bind; 0 picks a free one (default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--initial", defaultValue = "running", description = "initial desired status: running, paused or standby (default ${DEFAULT-VALUE})")
    String initial;

    @Option(names = {"-m", "--metadata-file"}, description = "text served verbatim by GET /metadata (normally JSON about the program)")
    Path metadataFile;

    @Option(names = "--enable-https", description = "serve HTTPS; needs --https-tls-cert-path and --https-tls-key-path")
    boolean enableHttps;

    @Option(names = "--https-tls-cert-path", description = "PEM certificate chain")
    Path tlsCert;

    @Option(names = "--https-tls-key-path", description = "PEM private key, unencrypted PKCS#8")
    Path tlsKey;

    @Option(names = "--api-key-file", description = "file holding an API key; every endpoint but /status then needs 'Authorization: Bearer <key>'")
    Path apiKeyFile;

    @Option(names = "--deployment-id", description = "id of this deployment; the same id on restart keeps the stored desired status (default: random)")
    String deploymentId;

    public static void main(String[] args) {
        LogFormat.configure(System.getenv());
        CommandLine cli = new CommandLine(new Main());
        int code = cli.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() {
        if (configFile == null) {
            System.err.println("error: --config-file is required (or use: sluice run program.sql)");
            return 1;
        }
        try {
            Optional<String> program = sqlFile == null ? Optional.empty() : Optional.of(readSql(sqlFile));
            PipelineConfig config = ConfigLoader.load(configFile, program);
            return serve(config, sqlFile == null ? "program_code" : sqlFile.toString(), bindAddress, port,
                    DesiredStatus.fromCli(initial), deploymentId == null ? UUID.randomUUID().toString() : deploymentId,
                    readApiKey(apiKeyFile), tls(), readMetadata(metadataFile));
        } catch (ConfigException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }

    /** {@code sluice run program.sql}: the short form for a person at a terminal. */
    @Command(name = "run", mixinStandardHelpOptions = true, description = "Runs the pipeline of one SQL file with local storage.")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", description = "the SQL program")
        Path program;

        @Option(names = "--port", defaultValue = "8080", description = "port (default ${DEFAULT-VALUE}; 0 picks a free one)")
        int port;

        @Option(names = "--bind-address", defaultValue = "127.0.0.1", description = "address (default ${DEFAULT-VALUE})")
        String bindAddress;

        @Option(names = "--storage", defaultValue = "./sluice-data", description = "storage directory (default ${DEFAULT-VALUE})")
        Path storage;

        @Option(names = "--initial", defaultValue = "running", description = "running or paused (default ${DEFAULT-VALUE})")
        String initial;

        @Override
        public Integer call() {
            try {
                String sql = readSql(program);
                PipelineConfig config = new PipelineConfig(program.getFileName().toString(), 1, Optional.of(storage), sql,
                        Optional.empty());
                return serve(config, program.toString(), bindAddress, port, DesiredStatus.fromCli(initial),
                        UUID.randomUUID().toString(), Optional.empty(), Optional.empty(), "");
            } catch (ConfigException | IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
        }
    }

    private static String readSql(Path file) throws ConfigException {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("cannot read SQL file " + file + ": " + e.getMessage());
        }
    }

    private Optional<TlsSettings> tls() throws ConfigException {
        if (!enableHttps) {
            if (tlsCert != null || tlsKey != null) {
                throw new ConfigException("--https-tls-cert-path and --https-tls-key-path need --enable-https");
            }
            return Optional.empty();
        }
        if (tlsCert == null || tlsKey == null) {
            throw new ConfigException("--enable-https needs --https-tls-cert-path and --https-tls-key-path");
        }
        return Optional.of(TlsSettings.fromPem(tlsCert, tlsKey));
    }

    /** As Feldera does: an unreadable metadata file is logged and the metadata is empty; startup goes on. */
    private static String readMetadata(Path file) {
        if (file == null) {
            return "";
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            LOG.warn("cannot read --metadata-file {}: {}; /metadata will be empty", file, e.toString());
            return "";
        }
    }

    private static Optional<String> readApiKey(Path file) throws ConfigException {
        if (file == null) {
            return Optional.empty();
        }
        String key;
        try {
            key = Files.readString(file).strip();
        } catch (IOException e) {
            throw new ConfigException("cannot read --api-key-file " + file + ": " + e.getMessage());
        }
        if (key.isEmpty()) {
            throw new ConfigException("--api-key-file " + file + " is empty");
        }
        return Optional.of(key);
    }

    private static int serve(PipelineConfig config, String programSource, String bindAddress, int port,
            DesiredStatus initial, String deploymentId, Optional<String> apiKey, Optional<TlsSettings> tls, String metadata) {
        if (initial == DesiredStatus.Suspended) {
            System.err.println("error: --initial must be running, paused or standby");
            return 1;
        }
        CompiledProgram program;
        try {
            program = SqlCompiler.compile(config.programCode());
        } catch (SqlCompileException e) {
            System.err.println("error: " + programSource + ": " + e.getMessage());
            return 1;
        }
        boolean clean = CleanShutdownSetting.fromEnvironment(System.getenv());
        LOG.info(clean ? "{} is on: SIGTERM checkpoints and suspends before exit; SIGINT exits without checkpoint"
                : "{} is off: SIGTERM drains HTTP and exits without checkpoint", CleanShutdownSetting.VARIABLE);
        Pipeline pipeline = new Pipeline(config, program, initial, deploymentId);
        pipeline.setMetadata(metadata);
        PipelineServer server = new PipelineServer(pipeline, bindAddress, port, apiKey, tls);
        // Before binding: a SIGTERM from here on is handled by us, not by the JVM's default exit.
        new ShutdownCoordinator(pipeline, server, clean).install();
        int bound;
        try {
            bound = server.start();
            PipelineServer.writePortFile(Path.of("").toAbsolutePath(), bound);
        } catch (Exception e) {
            System.err.println("error: cannot serve on " + bindAddress + ":" + port + ": " + e.getMessage());
            return 1;
        }
        LOG.atInfo().addKeyValue("pipeline", config.name()).addKeyValue("port", bound)
                .addKeyValue("storage", config.storagePath().map(Path::toString).orElse("none"))
                .addKeyValue("deployment_id", deploymentId).log("sluice pipeline starting");
        pipeline.startInitialization();
        try {
            server.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
