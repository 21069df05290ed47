package io.sluice.pipeline.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server for the sync tests: S3Proxy with its filesystem backend, in the test
 * JVM on 127.0.0.1, with one bucket. It can be stopped and started again on the same files. Pipelines
 * can reach it through a {@link Relay}, a TCP relay the test can cut, counting the bytes sent to the
 * store.
 */
final class S3Store implements AutoCloseable {
    static final String ACCESS = "access";
    static final String SECRET = "secret";
    static final String BUCKET = "ckpt";

    private final Path baseDir;
    private S3Proxy proxy;
    private volatile int port;
    private final S3Client client;

    S3Store(Path baseDir) throws Exception {
        this.baseDir = baseDir;
        start();
        client = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(Region.US_EAST_1)
                .endpointOverride(URI.create(endpoint())).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))).build();
        client.createBucket(b -> b.bucket(BUCKET));
    }

    synchronized void start() throws Exception {
        java.nio.file.Files.createDirectories(baseDir);
        Properties p = new Properties();
        p.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        // A restart binds the same port, so endpoints handed out before stay valid.
        proxy = S3Proxy.builder().blobStore(BlobStores.create("filesystem", p))
                .endpoint(URI.create("http://127.0.0.1:" + port))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!proxy.getState().equals("STARTED")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        port = proxy.getPort();
    }

    synchronized void stop() throws Exception {
        proxy.stop();
    }

    int port() {
        return port;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** Keys under {@code prefix} with their sizes. */
    Map<String, Long> list(String prefix) {
        Map<String, Long> out = new TreeMap<>();
        for (var page : client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix))) {
            for (S3Object o : page.contents()) {
                out.put(o.key(), o.size());
            }
        }
        return out;
    }

    boolean exists(String key) {
        try {
            client.headObject(b -> b.bucket(BUCKET).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    String read(String key) {
        return client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asString(StandardCharsets.UTF_8);
    }

    /** The {@code storage} section of a pipeline config that syncs with {@code bucket/prefix} through {@code endpoint}. */
    static String storageYaml(String endpoint, String prefix, Map<String, Object> more) {
        StringBuilder sb = new StringBuilder("storage:\n  backend:\n    name: file\n    config:\n      sync:\n");
        sb.append("        bucket: ").append(BUCKET).append('/').append(prefix).append('\n');
        sb.append("        endpoint: ").append(endpoint).append('\n');
        sb.append("        access_key: ").append(ACCESS).append('\n');
        sb.append("        secret_key: ").append(SECRET).append('\n');
        more.forEach((k, v) -> sb.append("        ").append(k).append(": ").append(v).append('\n'));
        return sb.toString();
    }

    @Override
    public void close() throws Exception {
        client.close();
        stop();
    }

    /**
     * A TCP relay in front of the store. {@link #failAtPut} arms it: when the n-th {@code PUT}
     * request line after arming passes, the relay runs an action (the test stops the store), cuts
     * every connection and refuses new ones until {@link #up}.
     */
    static final class Relay implements AutoCloseable {
        private final ServerSocket server;
        private volatile int targetPort;
        private volatile boolean down;
        private final AtomicLong bytesToStore = new AtomicLong();
        private final AtomicInteger putsUntilFailure = new AtomicInteger(-1);
        private volatile Runnable onFailure = () -> { };
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private final Thread acceptor;

        Relay(int targetPort) throws IOException {
            this.targetPort = targetPort;
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(this::accept, "relay-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        long bytesToStore() {
            return bytesToStore.get();
        }

        void retarget(int port) {
            targetPort = port;
        }

        void failAtPut(int n, Runnable action) {
            onFailure = action;
            putsUntilFailure.set(n);
        }

        void up() {
            down = false;
        }

        boolean isDown() {
            return down;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    if (down) {
                        client.close();
                        continue;
                    }
                    Socket store = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    open.add(client);
                    open.add(store);
                    pump(client, store, true);
                    pump(store, client, false);
                } catch (IOException e) {
                    // a closed server socket ends the loop; a refused store connection drops this client
                }
            }
        }

        private void pump(Socket from, Socket to, boolean towardStore) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[64 * 1024];
                byte[] tail = new byte[0];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        if (towardStore) {
                            byte[] window = new byte[tail.length + n];
                            System.arraycopy(tail, 0, window, 0, tail.length);
                            System.arraycopy(buf, 0, window, tail.length, n);
                            int puts = countPuts(window, tail.length);
                            tail = java.util.Arrays.copyOfRange(window, Math.max(0, window.length - 5), window.length);
                            for (int i = 0; i < puts; i++) {
                                if (putsUntilFailure.get() > 0 && putsUntilFailure.decrementAndGet() == 0) {
                                    down = true;
                                    onFailure.run();
                                    cutAll();
                                    return;
                                }
                            }
                            bytesToStore.addAndGet(n);
                        }
                        if (down) {
                            return;
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException e) {
                    // connection closed
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "relay-pump");
            t.setDaemon(true);
            t.start();
        }

        /** Request lines {@code PUT /...} starting in this window (the first 5 bytes repeat the previous window's end). */
        private static int countPuts(byte[] w, int tailLength) {
            int count = 0;
            for (int i = 0; i + 5 <= w.length; i++) {
                if (w[i] == 'P' && w[i + 1] == 'U' && w[i + 2] == 'T' && w[i + 3] == ' ' && w[i + 4] == '/'
                        && (i == 0 || w[i - 1] == '\n') && i + 5 > tailLength) {
                    count++;
                }
            }
            return count;
        }

        private void cutAll() {
            for (Socket s : List.copyOf(open)) {
                closeQuietly(s);
            }
        }

        private void closeQuietly(Socket s) {
            open.remove(s);
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            cutAll();
        }
    }
}
