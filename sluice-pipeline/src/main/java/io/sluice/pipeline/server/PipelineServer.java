package io.sluice.pipeline.server;

import io.sluice.pipeline.api.ErrorCode;
import io.sluice.pipeline.api.SluiceException;
import io.sluice.pipeline.controller.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of the pipeline process, on Jetty 12 core handlers. Jetty installs no signal or
 * shutdown-hook behaviour of its own ({@code stopAtShutdown} stays false): stopping is
 * {@link #stopGracefully}, called by the shutdown coordinator. A graceful stop refuses new
 * connections and lets in-flight requests finish, up to the drain budget.
 *
 * <p>Every error leaves through {@link #sendError}: a {@link SluiceException} becomes its status
 * and the uniform body; anything else is a logged 500.
 */
public final class PipelineServer {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineServer.class);
    public static final Duration DRAIN_BUDGET = Duration.ofSeconds(10);
    /** The monitoring page served at {@code GET /}: one self-contained HTML file, read from the jar once. */
    private static final byte[] INDEX_HTML = readIndexPage();

    private final Server server;
    private final ServerConnector connector;
    private final ControlEndpoints control;
    private final IngressEndpoint ingress;
    private final EgressEndpoint egress;
    private final QueryEndpoint query;
    private final MetricsEndpoint metrics;
    private final StatsEndpoint stats;
    private final TimeSeriesEndpoint timeSeries;
    private final ConnectorEndpoints connectors;
    private final ClockEndpoint clock;
    private final SyncEndpoints sync;
    private final Optional<byte[]> apiKey;
    /** Connections with a request in flight: from the handler's start until its response completed. */
    private final Set<Connection> busy = ConcurrentHashMap.newKeySet();

    public PipelineServer(Pipeline pipeline, String bindAddress, int port) {
        this(pipeline, bindAddress, port, Optional.empty(), Optional.empty());
    }

    /**
     * @param apiKey when present, every endpoint but {@code /status} needs {@code Authorization: Bearer <key>}
     * @param tls when present, the server speaks HTTPS only
     */
    public PipelineServer(Pipeline pipeline, String bindAddress, int port, Optional<String> apiKey,
            Optional<TlsSettings> tls) {
        QueuedThreadPool threads = new QueuedThreadPool(200, 8);
        threads.setName("http");
        server = new Server(threads);
        connector = tls.map(t -> httpsConnector(server, t)).orElseGet(() -> new ServerConnector(server));
        connector.setHost(bindAddress);
        connector.setPort(port);
        // Jetty applies this idle timeout to every connection once stopping, also to one whose request
        // body is momentarily stalled: keep it at the drain budget so in-flight requests are not cut
        // early. Idle keep-alive connections are closed at once by closeIdleConnections instead.
        connector.setShutdownIdleTimeout(DRAIN_BUDGET.toMillis());
        server.addConnector(connector);
        server.setStopAtShutdown(false);
        server.setStopTimeout(DRAIN_BUDGET.toMillis());
        this.apiKey = apiKey.map(k -> k.getBytes(StandardCharsets.UTF_8));
        control = new ControlEndpoints(pipeline);
        ingress = new IngressEndpoint(pipeline);
        egress = new EgressEndpoint(pipeline);
        query = new QueryEndpoint(pipeline);
        metrics = new MetricsEndpoint(pipeline);
        stats = new StatsEndpoint(pipeline);
        timeSeries = new TimeSeriesEndpoint(pipeline);
        connectors = new ConnectorEndpoints(pipeline);
        clock = new ClockEndpoint(pipeline);
        sync = new SyncEndpoints(pipeline);
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(new Router());
        server.setHandler(graceful);
    }

    private static ServerConnector httpsConnector(Server server, TlsSettings tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore());
        ssl.setKeyStorePassword(new String(tls.password()));
        HttpConfiguration config = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // Clients reach a pipeline by IP or by a Service name the certificate may not list; the
        // certificate check is the client's business, not a reason to refuse the request.
        secure.setSniHostCheck(false);
        config.addCustomizer(secure);
        return new ServerConnector(server, ssl, new HttpConnectionFactory(config));
    }

    /** Binds and starts serving; returns the bound port. */
    public int start() throws Exception {
        server.start();
        int port = connector.getLocalPort();
        LOG.info("Started {} server on {}:{}", connector.getDefaultProtocol().startsWith("SSL") ? "HTTPS" : "HTTP",
                connector.getHost(), port);
        return port;
    }

    /** Publishes the port in {@code dir/port}, written to {@code port.tmp} and renamed, so a watcher never reads a partial file. */
    public static void writePortFile(Path dir, int port) throws IOException {
        Path tmp = dir.resolve("port.tmp");
        Files.writeString(tmp, port + "\n");
        Files.move(tmp, dir.resolve("port"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Stops accepting connections and waits for in-flight requests, at most the drain budget (then
     * cuts them). Connections with no request in progress (idle keep-alive ones, which clients such
     * as a control plane or a metrics scraper hold) are closed at once rather than waited for.
     */
    public void stopGracefully() {
        AtomicBoolean stopped = new AtomicBoolean();
        Thread closer = new Thread(() -> closeIdleConnections(stopped), "http-idle-closer");
        closer.setDaemon(true);
        closer.start();
        try {
            server.stop();
            LOG.info("HTTP server stopped");
        } catch (Exception e) {
            LOG.warn("HTTP server stop: {} (in-flight requests were cut after {} s)", e.toString(), DRAIN_BUDGET.toSeconds());
        } finally {
            stopped.set(true);
        }
    }

    private void closeIdleConnections(AtomicBoolean stopped) {
        while (!stopped.get()) {
            for (EndPoint endPoint : connector.getConnectedEndPoints()) {
                Connection c = endPoint.getConnection();
                // Jetty's own message counters count a response as out once it starts, so a stream
                // still being written would look idle: track requests in flight ourselves.
                if (c != null && !busy.contains(c)) {
                    endPoint.close();
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    public void join() throws InterruptedException {
        server.join();
    }

    private final class Router extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Connection connection = request.getConnectionMetaData().getConnection();
            busy.add(connection);
            Exchange ex = new Exchange(request, response, new Callback() {
                @Override
                public void succeeded() {
                    busy.remove(connection);
                    callback.succeeded();
                }

                @Override
                public void failed(Throwable x) {
                    busy.remove(connection);
                    callback.failed(x);
                }

                @Override
                public InvocationType getInvocationType() {
                    return callback.getInvocationType();
                }
            });
            try {
                route(ex, Request.getPathInContext(request));
            } catch (SluiceException e) {
                sendError(ex, e);
            } catch (EofException e) {
                LOG.debug("client went away: {}", e.getMessage());
                ex.callback.failed(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ex.callback.failed(e);
            } catch (Throwable t) {
                if (ex.completed()) {
                    LOG.debug("error after the response was sent: {}", t.toString());
                    ex.callback.failed(t);
                } else {
                    LOG.error("internal error serving {} {}", request.getMethod(), request.getHttpURI().getPath(), t);
                    sendError(ex, new SluiceException(ErrorCode.INTERNAL, "internal error: " + t, null));
                }
            }
            return true;
        }

        private void route(Exchange ex, String path) throws Exception {
            if (!path.equals("/status")) {
                authorize(ex);
            }
            String method = ex.method();
            boolean get = method.equals("GET");
            boolean post = method.equals("POST");
            if (path.startsWith("/ingress/")) {
                require(ex, post, () -> ingress.handle(ex, decode(path.substring("/ingress/".length()))));
                return;
            }
            if (path.startsWith("/egress/")) {
                require(ex, post || get, () -> egress.handle(ex, decode(path.substring("/egress/".length()))));
                return;
            }
            if (path.startsWith("/input_endpoints/") || path.startsWith("/output_endpoints/")) {
                routeEndpoint(ex, path, get, post);
                return;
            }
            switch (path) {
                case "/" -> require(ex, get, () -> ex.send(200, "text/html; charset=utf-8", INDEX_HTML));
                case "/status" -> require(ex, get, () -> control.status(ex));
                case "/start" -> require(ex, get || post, () -> control.start(ex));
                case "/pause" -> require(ex, get || post, () -> control.pause(ex));
                case "/activate" -> require(ex, post, () -> control.activate(ex));
                case "/suspend" -> require(ex, post, () -> control.suspend(ex));
                case "/checkpoint" -> require(ex, post, () -> control.checkpoint(ex));
                case "/checkpoint_status" -> require(ex, get, () -> control.checkpointStatus(ex));
                case "/checkpoints" -> require(ex, get, () -> control.checkpoints(ex));
                case "/checkpoint/sync" -> require(ex, post, () -> sync.push(ex));
                case "/checkpoint/sync_status" -> require(ex, get, () -> sync.status(ex));
                case "/checkpoints/remote" -> require(ex, get, () -> sync.remote(ex));
                case "/stats" -> require(ex, get, () -> stats.stats(ex));
                case "/stats/errors" -> require(ex, get, () -> stats.errors(ex));
                case "/time_series" -> require(ex, get, () -> timeSeries.snapshot(ex));
                case "/time_series_stream" -> require(ex, get, () -> timeSeries.stream(ex));
                case "/start_transaction" -> require(ex, post, () -> connectors.startTransaction(ex));
                case "/commit_transaction" -> require(ex, post, () -> connectors.commitTransaction(ex));
                case "/query" -> require(ex, get, () -> query.handle(ex));
                case "/metrics" -> require(ex, get, () -> metrics.handle(ex));
                case "/completion_status" -> require(ex, get, () -> ingress.completionStatus(ex));
                case "/suspendable" -> require(ex, get, () -> control.suspendable(ex));
                case "/metadata" -> require(ex, get, () -> control.metadata(ex));
                case "/clock/advance" -> require(ex, post, () -> clock.advance(ex));
                default -> throw new SluiceException(ErrorCode.NOT_FOUND, "no endpoint " + path, Map.of("path", path));
            }
        }
    }

    /**
     * {@code /input_endpoints/{name}/pause|start} (GET as in Feldera, or POST), {@code .../stats} and
     * {@code .../completion_token} (GET); {@code /output_endpoints/{name}/stats} (GET).
     */
    private void routeEndpoint(Exchange ex, String path, boolean get, boolean post) throws Exception {
        boolean input = path.startsWith("/input_endpoints/");
        String rest = path.substring(input ? "/input_endpoints/".length() : "/output_endpoints/".length());
        int slash = rest.lastIndexOf('/');
        String name = slash > 0 ? decode(rest.substring(0, slash)) : "";
        String action = slash > 0 ? rest.substring(slash + 1) : "";
        if (input && (action.equals("pause") || action.equals("start"))) {
            require(ex, get || post, () -> connectors.input(ex, name, action));
        } else if (input && (action.equals("stats") || action.equals("completion_token"))) {
            require(ex, get, () -> connectors.input(ex, name, action));
        } else if (!input && action.equals("stats")) {
            require(ex, get, () -> connectors.outputStats(ex, name));
        } else {
            throw new SluiceException(ErrorCode.NOT_FOUND, "no endpoint " + path, Map.of("path", path));
        }
    }

    /** With an API key configured: the request must carry it as a bearer token (compared in constant time). */
    private void authorize(Exchange ex) {
        if (apiKey.isEmpty()) {
            return;
        }
        String header = ex.request.getHeaders().get(HttpHeader.AUTHORIZATION);
        byte[] given = header != null && header.startsWith("Bearer ")
                ? header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(given, apiKey.get())) {
            ex.response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            throw new SluiceException(ErrorCode.UNAUTHORIZED, header == null ? "this endpoint needs an API key: send"
                    + " 'Authorization: Bearer <key>'" : "the API key is not valid", null);
        }
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void require(Exchange ex, boolean ok, Action a) throws Exception {
        if (!ok) {
            throw new SluiceException(ErrorCode.METHOD_NOT_ALLOWED, "method " + ex.method() + " is not allowed here",
                    Map.of("method", ex.method()));
        }
        a.run();
    }

    private static byte[] readIndexPage() {
        try (InputStream in = PipelineServer.class.getResourceAsStream("index.html")) {
            if (in == null) {
                throw new IllegalStateException("index.html is missing from the jar's resources");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read index.html from the jar's resources", e);
        }
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    /** The one place errors become HTTP answers; client errors are logged at info, server errors at error. */
    static void sendError(Exchange ex, SluiceException e) {
        if (e.errorCode().kind() == ErrorCode.Kind.INTERNAL) {
            LOG.error("{} {}: {}", ex.method(), ex.request.getHttpURI().getPath(), e.getMessage());
        } else {
            LOG.info("{} {}: {} {}", ex.method(), ex.request.getHttpURI().getPath(), e.errorCode().code(), e.getMessage());
        }
        if (ex.completed()) {
            return;
        }
        try {
            ex.sendJson(e.errorCode().httpStatus(), e.toResponse());
        } catch (IOException io) {
            ex.callback.failed(io);
        }
    }
}
