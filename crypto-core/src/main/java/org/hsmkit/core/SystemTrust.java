package org.hsmkit.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The trust anchors a user's platform already has: the root certificates of the Java runtime's
 * {@code cacerts} and of the operating system's bundle (the first present of the usual places,
 * such as {@code /etc/ssl/certs/ca-certificates.crt}). These are the roots the platform trusts for
 * TLS; a signature that chains to one is signed by a certificate from a public CA, which is not
 * the same as a qualified signature under a trust list.
 */
public final class SystemTrust {
    /** Where distributions keep their bundle, most common first (as Go and curl look for it). */
    public static final List<Path> BUNDLES = List.of(Path.of("/etc/ssl/certs/ca-certificates.crt"),
            Path.of("/etc/pki/tls/certs/ca-bundle.crt"), Path.of("/etc/ssl/ca-bundle.pem"),
            Path.of("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"), Path.of("/etc/pki/tls/cacert.pem"),
            Path.of("/etc/ssl/cert.pem"));
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    /** The roots and where they came from. */
    public record Roots(List<X509Certificate> certificates, List<Path> sources) {
    }

    private SystemTrust() {
    }

    /** The Java runtime's roots and those of the operating system's bundle at the usual places. */
    public static Roots roots() {
        return roots(Optional.empty());
    }

    /**
     * The Java runtime's roots and those of the operating system's bundle: {@code bundle} when
     * given (as {@code SSL_CERT_FILE} names it for OpenSSL), else the first of {@link #BUNDLES}
     * present.
     *
     * @throws HsmkitException INPUT when a given bundle cannot be read or holds no certificate,
     *         or when no root is found at all
     */
    public static Roots roots(Optional<Path> bundle) {
        Set<X509Certificate> out = new LinkedHashSet<>();
        List<Path> sources = new ArrayList<>();
        Path cacerts = Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        if (Files.isRegularFile(cacerts)) {
            out.addAll(javaRoots(cacerts));
            sources.add(cacerts);
        }
        Optional<Path> os = bundle.isPresent() ? bundle : BUNDLES.stream().filter(Files::isRegularFile).findFirst();
        if (os.isPresent()) {
            List<X509Certificate> pem = pemBundle(os.get());
            if (pem.isEmpty() && bundle.isPresent()) {
                throw HsmkitException.input("no certificate in the CA bundle " + os.get(), "check SSL_CERT_FILE");
            }
            out.addAll(pem);
            sources.add(os.get());
        }
        if (out.isEmpty()) {
            throw HsmkitException.input("no system trust anchors found (no Java cacerts, no CA bundle at " + BUNDLES.get(0) + ")",
                    "install the ca-certificates package, or name your roots with --trust CAFILE");
        }
        return new Roots(List.copyOf(out), Collections.unmodifiableList(sources));
    }

    private static List<X509Certificate> javaRoots(Path cacerts) {
        try {
            // the type (JKS or PKCS#12) is detected; trusted certificate entries need no password
            KeyStore ks = KeyStore.getInstance(cacerts.toFile(), (char[]) null);
            List<X509Certificate> out = new ArrayList<>();
            for (String alias : Collections.list(ks.aliases())) {
                if (ks.isCertificateEntry(alias) && ks.getCertificate(alias) instanceof X509Certificate c) {
                    out.add(c);
                }
            }
            return out;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw HsmkitException.input("cannot read the Java runtime's trust store " + cacerts + ": " + e.getMessage(),
                    "check the Java installation, or name your roots with --trust CAFILE", e);
        }
    }

    /** Every certificate of a PEM bundle; text between the blocks and unreadable blocks are skipped. */
    static List<X509Certificate> pemBundle(Path bundle) {
        String text;
        try {
            text = Files.readString(bundle, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw HsmkitException.input("cannot read the CA bundle " + bundle + ": " + e.getMessage(), "check SSL_CERT_FILE", e);
        }
        List<X509Certificate> out = new ArrayList<>();
        CertificateFactory cf;
        try {
            cf = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
        for (int at = text.indexOf(BEGIN); at >= 0; at = text.indexOf(BEGIN, at + BEGIN.length())) {
            int end = text.indexOf(END, at);
            if (end < 0) {
                break;
            }
            try {
                byte[] der = Base64.getMimeDecoder().decode(text.substring(at + BEGIN.length(), end));
                Certificate c = cf.generateCertificate(new ByteArrayInputStream(der));
                if (c instanceof X509Certificate x) {
                    out.add(x);
                }
            } catch (IllegalArgumentException | CertificateException e) {
                // skip what is not a certificate
            }
        }
        return out;
    }
}
