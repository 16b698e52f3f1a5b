package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.cms.CertificateFile;
import org.hsmkit.core.cms.RecipientSet;

/**
 * Certificate files as given to {@code -r}, {@code --trust} and {@code key import-cert}: PEM, DER,
 * PKCS#7 bundles. Reading refuses with INPUT only, never returns an empty list, and whatever it
 * returns can be made a recipient or refused as one with INPUT or USAGE.
 */
class CertificateFuzzTest {
    private static final Path DIR = Scratch.directory("certificate");

    @FuzzTest
    void read(byte[] input) throws Exception {
        Path file = Files.write(DIR.resolve("cert"), input);
        List<X509Certificate> certs = Contract.call("read", Contract.budget(input.length, 64), Contract.inputKinds(),
                () -> CertificateFile.read(file));
        if (certs != null) {
            assertFalse(certs.isEmpty());
            Contract.call("recipient", Contract.budget(input.length, 64), Contract.inputKinds(org.hsmkit.core.ErrorKind.USAGE),
                    () -> RecipientSet.builder().addAll(certs).build());
        }
    }
}
