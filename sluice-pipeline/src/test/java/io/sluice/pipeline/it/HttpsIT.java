package io.sluice.pipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --enable-https} with a PEM certificate and key, as made by openssl. */
class HttpsIT {
    @TempDir
    Path dir;

    private Path[] makeCertificate() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("openssl: %s", out).isZero();
        return new Path[] {cert, key};
    }

    private static HttpClient trusting(Path cert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("sluice", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void servesHttpsWithThePemIdentity_andNoPlainHttp() throws Exception {
        Path[] pem = makeCertificate();
        PipelineProcess.Options options = PipelineProcess.options(dir, CleanShutdownIT.PROGRAM, true)
                .withArgs("--enable-https", "--https-tls-cert-path", pem[0].toString(), "--https-tls-key-path", pem[1].toString());
        try (PipelineProcess p = PipelineProcess.start(options)) {
            HttpClient https = trusting(pem[0]);
            URI status = URI.create("https://127.0.0.1:" + p.port() + "/status");
            String body = "";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!body.contains("\"runtime_status\":\"Running\"") && System.nanoTime() < deadline) {
                HttpResponse<String> r = https.send(HttpRequest.newBuilder(status).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                body = r.body();
                Thread.sleep(50);
            }
            assertThat(body).contains("\"runtime_status\":\"Running\"");
            assertThat(p.log()).contains("Started HTTPS server");
            assertThatThrownBy(() -> p.get("/status")).as("plain HTTP is not served").isInstanceOf(java.io.IOException.class);
            p.signal("TERM");
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
        }
    }

    @Test
    void incompleteOrBadTlsFlags_areRefusedAtStartup() throws Exception {
        Path[] pem = makeCertificate();
        PipelineProcess.Options base = PipelineProcess.options(dir, CleanShutdownIT.PROGRAM, true);
        assertThatThrownBy(() -> PipelineProcess.start(base.withArgs("--enable-https")))
                .hasMessageContaining("--enable-https needs --https-tls-cert-path and --https-tls-key-path");
        assertThatThrownBy(() -> PipelineProcess.start(base.withArgs("--https-tls-cert-path", pem[0].toString())))
                .hasMessageContaining("need --enable-https");
        assertThatThrownBy(() -> PipelineProcess.start(base.withArgs("--enable-https", "--https-tls-cert-path",
                pem[0].toString(), "--https-tls-key-path", pem[0].toString())))
                .hasMessageContaining("is not an unencrypted PKCS#8 PEM key");
    }
}
