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
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw HsmkitException.input("no certificate in " + file, "give a PEM or DER certificate, or a PKCS#7 bundle");
            }
            return out;
        } catch (NoSuchFileException e) {
            throw HsmkitException.input("the certificate file " + file + " does not exist", "check the path");
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
        } catch (CertificateException | RuntimeException e) {
            throw HsmkitException.input("cannot read a certificate from " + file + ": " + e.getMessage(),
                    "give a PEM or DER certificate, or a PKCS#7 bundle", e);
        }
    }
}
