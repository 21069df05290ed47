package io.sluice.pipeline.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A headless Chromium driven over the W3C WebDriver HTTP protocol: this harness starts
 * {@code chromedriver} on a free loopback port, opens one session, and on close ends the session
 * and stops the chromedriver process it started (and whatever that process still has running).
 * Only the few commands the browser tests need are here: navigate, find, click, text, alerts and
 * screenshots.
 *
 * <p>Chromium runs with background networking, component updates and sync off: this machine's
 * network is closed, and those connections would otherwise be refused and slow the browser down.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path CHROMEDRIVER = Path.of(System.getProperty("sluice.chromedriver", "/usr/bin/chromedriver"));
    static final Path CHROMIUM = Path.of(System.getProperty("sluice.chromium", "/usr/bin/chromium"));
    /** The key W3C WebDriver uses for an element reference. */
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process driver;
    /** The session's URI, {@code http://127.0.0.1:port/session/<id>}. */
    private final URI session;

    private HeadlessChromium(Process driver, URI session) {
        this.driver = driver;
        this.session = session;
    }

    /** Starts chromedriver and a browser session; {@code workDir} receives the driver log and the browser profile. */
    static HeadlessChromium start(Path workDir) throws Exception {
        for (Path binary : List.of(CHROMEDRIVER, CHROMIUM)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " is missing: install Debian's chromium and chromium-driver (see .ci/run)");
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = workDir.resolve("chromedriver.log");
        Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + port);
        try {
            awaitReady(driver, base, log);
            Path profile = Files.createDirectories(workDir.resolve("chromium-profile"));
            Map<String, Object> options = Map.of("binary", CHROMIUM.toString(), "args", List.of("--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1100", "--user-data-dir=" + profile));
            JsonNode created = send(base.resolve("/session"), "POST", Map.of("capabilities",
                    Map.of("alwaysMatch", Map.of("browserName", "chrome", "goog:chromeOptions", options))));
            return new HeadlessChromium(driver, base.resolve("/session/" + created.get("sessionId").asText()));
        } catch (Exception | AssertionError e) {
            stop(driver);
            throw e;
        }
    }

    private static void awaitReady(Process driver, URI base, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!driver.isAlive()) {
                throw new IllegalStateException("chromedriver exited with " + driver.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (send(base.resolve("/status"), "GET", null).path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException notYetListening) {
                // chromedriver binds its port shortly after starting
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("chromedriver was not ready within 30 s:\n" + Files.readString(log));
    }

    void open(URI url) throws Exception {
        command("POST", "url", Map.of("url", url.toString()));
    }

    void click(String css) throws Exception {
        command("POST", "element/" + find(css) + "/click", Map.of());
    }

    /** The rendered text of the first element matching {@code css}. */
    String text(String css) throws Exception {
        return command("GET", "element/" + find(css) + "/text", null).asText();
    }

    /** Waits until the text of {@code css} satisfies {@code condition}, and returns that text. */
    String awaitText(String css, Predicate<String> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = text(css);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("text of " + css + " did not reach the expected value within " + timeout + "; last: " + last);
    }

    /** Accepts the open {@code alert} or {@code confirm} dialog, waiting briefly for it to appear. */
    void acceptDialog() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                command("POST", "alert/accept", Map.of());
                return;
            } catch (WebDriverError e) {
                if (!e.error.equals("no such alert") || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    void screenshot(Path png) throws Exception {
        Files.write(png, Base64.getDecoder().decode(command("GET", "screenshot", null).asText()));
    }

    private String find(String css) throws Exception {
        JsonNode element = command("POST", "element", Map.of("using", "css selector", "value", css));
        if (!element.hasNonNull(ELEMENT)) {
            throw new IllegalStateException("no element reference for " + css + " in " + element);
        }
        return element.get(ELEMENT).asText();
    }

    private JsonNode command(String method, String path, Object body) throws Exception {
        return send(URI.create(session + "/" + path), method, body);
    }

    /** Sends one WebDriver command and returns its {@code value}; a WebDriver error becomes {@link WebDriverError}. */
    private static JsonNode send(URI uri, String method, Object body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json; charset=utf-8").method(method, publisher).build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode value = JSON.readTree(r.body()).path("value");
        if (r.statusCode() != 200) {
            throw new WebDriverError(method + " " + uri + " -> " + r.statusCode(), value);
        }
        return value;
    }

    /** A WebDriver error answer: {@code error} is the protocol's error code, e.g. {@code no such alert}. */
    static final class WebDriverError extends IOException {
        final String error;

        WebDriverError(String request, JsonNode value) {
            super(request + ": " + value.path("error").asText() + ": " + value.path("message").asText());
            this.error = value.path("error").asText();
        }
    }

    @Override
    public void close() {
        try {
            send(session, "DELETE", null);
        } catch (IOException | RuntimeException e) {
            // the browser may already be gone; stopping the driver below cleans up either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop(driver);
    }

    /** Stops chromedriver and any browser it left behind, by their process handles. */
    private static void stop(Process driver) {
        List<ProcessHandle> children = driver.descendants().toList();
        driver.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            driver.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }
}
