package org.hsmkit.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CRL;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;

import org.hsmkit.core.HsmkitException;

/** CRL files given to verifying commands with --crl (DER or PEM, several per PEM file). */
final class CrlFiles {
    private CrlFiles() {
    }

    static List<X509CRL> read(CliSession session, List<String> files) {
        List<X509CRL> out = new ArrayList<>();
        for (String f : files) {
            Path p = session.context().resolve(f);
            try (InputStream in = new BufferedInputStream(Files.newInputStream(p))) {
                int before = out.size();
                for (CRL c : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                    out.add((X509CRL) c);
                }
                if (out.size() == before) {
                    throw HsmkitException.input(f + " holds no CRL", "give a CRL file (DER or PEM), e.g. from 'hsmkit ca crl'");
                }
            } catch (NoSuchFileException e) {
                throw HsmkitException.input("the CRL file " + f + " does not exist", "check the path");
            } catch (IOException e) {
                throw HsmkitException.io("cannot read " + f + ": " + e.getMessage(), e);
            } catch (java.security.GeneralSecurityException | RuntimeException e) {
                if (e instanceof HsmkitException h) {
                    throw h;
                }
                throw HsmkitException.input(f + " is not a CRL: " + e.getMessage(), "give a CRL file (DER or PEM)", e);
            }
        }
        return out;
    }
}
