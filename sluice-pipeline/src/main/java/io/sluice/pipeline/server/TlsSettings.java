package io.sluice.pipeline.server;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * The server's TLS identity, read from PEM files as Feldera's {@code --https-tls-cert-path} and
 * {@code --https-tls-key-path} give it: a certificate chain and an unencrypted PKCS#8 private key
 * ({@code -----BEGIN PRIVATE KEY-----}, RSA, EC or Ed25519).
 */
public record TlsSettings(KeyStore keyStore, char[] password) {
    static final String ALIAS = "sluice";

    public TlsSettings {
        requireNonNull(keyStore, "keyStore is null");
        password = password.clone();
    }

    /** Reads the PEM files; any problem is an IllegalArgumentException naming the file and what is wrong. */
    public static TlsSettings fromPem(Path certificateFile, Path keyFile) {
        List<Certificate> chain = readCertificates(certificateFile);
        PrivateKey key = readPrivateKey(keyFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = java.util.UUID.randomUUID().toString().toCharArray();
            store.setKeyEntry(ALIAS, key, password, chain.toArray(new Certificate[0]));
            return new TlsSettings(store, password);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the key in " + keyFile + " does not match the certificate in "
                    + certificateFile + ": " + e.getMessage(), e);
        }
    }

    private static List<Certificate> readCertificates(Path file) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            return List.copyOf(certs);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the TLS certificate " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPrivateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TLS key " + file + ": " + e.getMessage(), e);
        }
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException("the TLS key " + file + " is not an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY);"
                    + " convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("the TLS key " + file + " is not an RSA, EC or Ed25519 key");
    }
}
