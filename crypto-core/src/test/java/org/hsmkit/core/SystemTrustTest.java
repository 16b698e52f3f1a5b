package org.hsmkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.hsmkit.testdata.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemTrustTest {
    @TempDir
    Path dir;

    @Test
    void thePlatformRootsComeFromTheJavaRuntimeAndTheOperatingSystemBundle() {
        SystemTrust.Roots r = SystemTrust.roots();
        assertTrue(r.sources().get(0).endsWith(Path.of("lib", "security", "cacerts")), r.sources().toString());
        assertTrue(r.certificates().size() > 20, "a platform trusts dozens of roots: " + r.certificates().size());
        assertTrue(r.certificates().stream().noneMatch(c -> c.equals(TestPki.standard().root().certificate())));
        if (Files.isRegularFile(SystemTrust.BUNDLES.get(0))) {
            assertEquals(SystemTrust.BUNDLES.get(0), r.sources().get(r.sources().size() - 1));
        }
    }

    @Test
    void aNamedBundleReplacesTheOperatingSystemOneAndItsCommentsAreSkipped() throws Exception {
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, "# Fedora writes a comment before each root\n"
                + TestPki.pem(List.of(TestPki.standard().root().certificate()))
                + "# and text that is no certificate\n-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"
                + TestPki.pem(List.of(TestPki.standard().intermediate().certificate())));
        SystemTrust.Roots r = SystemTrust.roots(Optional.of(bundle));
        assertEquals(bundle, r.sources().get(r.sources().size() - 1));
        assertTrue(r.certificates().contains(TestPki.standard().root().certificate()));
        assertTrue(r.certificates().contains(TestPki.standard().intermediate().certificate()));
        assertEquals(2, SystemTrust.pemBundle(bundle).size());
    }

    @Test
    void aNamedBundleWithoutCertificatesIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "nothing\n");
        HsmkitException e = assertThrows(HsmkitException.class, () -> SystemTrust.roots(Optional.of(empty)));
        assertEquals(ErrorKind.INPUT, e.kind());
        HsmkitException missing = assertThrows(HsmkitException.class, () -> SystemTrust.roots(Optional.of(dir.resolve("absent.pem"))));
        assertEquals(ErrorKind.INPUT, missing.kind());
    }
}
