package org.hsmkit.core.internal.ca;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.Providers;

/** Files of a CA directory, each written whole or not at all. */
public final class CaFiles {
    private CaFiles() {
    }

    /** Writes {@code text} to {@code file} atomically, replacing it when {@code replace}. */
    public static void write(Path file, String text, boolean replace) {
        try (AtomicOutput out = AtomicOutput.toFile(file, replace)) {
            try (OutputStream s = out.stream()) {
                s.write(text.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw HsmkitException.io("cannot write " + file + ": " + e.getMessage(), e);
            }
            out.commit();
        }
    }

    /** PEM text of objects Bouncy Castle's PEM writer knows (certificates, requests, CRLs). */
    public static String pem(List<?> objects) {
        java.io.StringWriter sw = new java.io.StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            for (Object o : objects) {
                w.writeObject(o);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return sw.toString();
    }

    /** Writes PEM to a stream without closing it. */
    public static void writePem(OutputStream out, List<?> objects) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.US_ASCII);
        w.write(pem(objects));
        w.flush();
    }

    /**
     * A JCA certificate from Bouncy Castle's holder: the JDK's (it reads certificates for keys on
     * curves it cannot use too, and the CA only needs the encoding, dates and its own signature on
     * them), Bouncy Castle's only when the JDK cannot read it, as setting up that provider costs
     * more than issuing a certificate.
     */
    public static X509Certificate certificate(X509CertificateHolder holder) {
        try {
            return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded()));
        } catch (GeneralSecurityException | IOException | RuntimeException jdkCannot) {
            try {
                return Providers.certificate(holder);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot decode a certificate just made", e);
            }
        }
    }

    /** Removes leftovers of an interrupted {@code init} (files present while ca.conf is not). */
    public static void removeLeftovers(Path dir, String... names) {
        for (String n : names) {
            try {
                Files.deleteIfExists(dir.resolve(n));
            } catch (IOException e) {
                throw HsmkitException.io("cannot remove " + dir.resolve(n) + " left by an interrupted init: " + e.getMessage(), e);
            }
        }
    }
}
