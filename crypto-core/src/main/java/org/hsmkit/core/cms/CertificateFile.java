package org.hsmkit.core.cms;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMParser;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * Reads certificates from a file: PEM (one or several), DER, or a PKCS#7 bundle (PEM or DER).
 * Parsed by the JDK; keys on curves the JDK does not know (brainpool) are converted where used.
 */
public final class CertificateFile {
    private CertificateFile() {
    }

    /**
     * @throws HsmkitException INPUT when the file is missing, unreadable or holds no certificate
     */
    public static List<X509Certificate> read(Path file) {
        if (Files.isDirectory(file)) {
            throw new HsmkitException(ErrorKind.USAGE, file + " is a directory, not a certificate file",
                    "name the certificate file (PEM, DER or a PKCS#7 bundle)");
        }
        return read(file.toString(), () -> Files.newInputStream(file));
    }

    /**
     * The certificates of {@code certs} that issued none of the others: of a chain (an end entity's
     * certificate with its CAs, as CAs deliver them), the end entity's; of a bundle of unrelated
     * certificates, all of them. Order is kept.
     */
    public static List<X509Certificate> endEntities(List<X509Certificate> certs) {
        return certs.stream().filter(c -> certs.stream().noneMatch(other -> other != c
                && !other.getIssuerX500Principal().equals(other.getSubjectX500Principal())
                && other.getIssuerX500Principal().equals(c.getSubjectX500Principal()))).toList();
    }

    /** The most a certificate stream may hold: a chain of a few dozen certificates fits many times over. */
    private static final int MAX_STREAM = 1 << 20;

    /**
     * As {@link #read(Path)}, from a stream (standard input) that {@code name} names in messages; at
     * most 1 MiB is read.
     *
     * @throws HsmkitException INPUT when the stream holds no certificate or more than 1 MiB
     */
    public static List<X509Certificate> read(InputStream in, String name) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(MAX_STREAM + 1);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + name + ": " + e.getMessage(), e);
        }
        if (bytes.length > MAX_STREAM) {
            throw HsmkitException.input(name + " holds more than " + MAX_STREAM + " bytes, more than certificates take",
                    "give a PEM or DER certificate, or a PKCS#7 bundle");
        }
        return read(name, () -> new java.io.ByteArrayInputStream(bytes));
    }

    /** Opens the source again: the fallbacks read it more than once. */
    @FunctionalInterface
    private interface Source {
        InputStream open() throws IOException;
    }

    private static List<X509Certificate> read(String file, Source source) {
        try (InputStream in = new BufferedInputStream(source.open())) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw notACertificate(file, source, "no certificate in " + file, null);
            }
            return out;
        } catch (NoSuchFileException e) {
            throw HsmkitException.input("the certificate file " + file + " does not exist", "check the path");
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
        } catch (CertificateException | RuntimeException e) {
            // the JDK reads PEM certificates only when nothing else is between them; openssl and
            // servers keep a key and its certificate in one file, which should do here too
            List<X509Certificate> among = certificatesAmongOtherPemBlocks(source);
            if (!among.isEmpty()) {
                return among;
            }
            throw notACertificate(file, source, "cannot read a certificate from " + file + ": " + e.getMessage(), e);
        }
    }

    /** The certificates of a PEM file that also holds other blocks (a private key, a CRL); empty when none. */
    private static List<X509Certificate> certificatesAmongOtherPemBlocks(Source source) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser pem = new PEMParser(new java.io.InputStreamReader(source.open(), java.nio.charset.StandardCharsets.ISO_8859_1))) {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (int block = 0; block < 1000; block++) {
                Object o;
                try {
                    o = pem.readObject();
                } catch (IOException | RuntimeException unknownBlock) {
                    continue;   // a label PEMParser does not know; it has been read past
                }
                if (o == null) {
                    break;
                }
                if (o instanceof X509CertificateHolder holder) {
                    out.add((X509Certificate) factory.generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded())));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            return List.of();
        }
        return out;
    }

    /**
     * The error for a file that holds no certificate: when its PEM label says what it holds
     * instead (a private key given as a recipient is the usual slip), that, and what to give.
     */
    private static HsmkitException notACertificate(String file, Source source, String otherwise, Exception cause) {
        String label = firstPemLabel(source);
        String holds;
        String hint;
        if (label == null) {
            return HsmkitException.input(otherwise, "give a PEM or DER certificate, or a PKCS#7 bundle", cause);
        } else if (label.endsWith("PRIVATE KEY") || label.equals("PGP PRIVATE KEY BLOCK")) {
            holds = "a private key";
            hint = "give the certificate that goes with the key; keep the private key file to yourself";
        } else if (label.endsWith("PUBLIC KEY")) {
            holds = "a bare public key";
            hint = "give the certificate of that key: CMS names its recipients and signers by certificate";
        } else if (label.endsWith("CERTIFICATE REQUEST")) {
            holds = "a certificate request";
            hint = "have a CA issue it (hsmkit ca issue) and give the certificate";
        } else if (label.equals("PGP PUBLIC KEY BLOCK")) {
            holds = "an OpenPGP certificate";
            hint = "use it with the hsmkit pgp commands; CMS needs an X.509 certificate";
        } else if (label.endsWith("CRL")) {
            holds = "a certificate revocation list";
            hint = "give a PEM or DER certificate, or a PKCS#7 bundle";
        } else {
            return HsmkitException.input(otherwise, "give a PEM or DER certificate, or a PKCS#7 bundle", cause);
        }
        return HsmkitException.input(file + " holds " + holds + " (PEM '" + label + "'), not a certificate", hint, cause);
    }

    private static final java.util.regex.Pattern BEGIN = java.util.regex.Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----");

    /** The label of the first PEM block in the file's first 8 KiB, or null. */
    private static String firstPemLabel(Source source) {
        byte[] head = new byte[8192];
        int n;
        try (InputStream in = source.open()) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        java.util.regex.Matcher m = BEGIN.matcher(new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1) : null;
    }
}
