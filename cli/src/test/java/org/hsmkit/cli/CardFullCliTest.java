package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A SmartCard-HSM whose memory is nearly full (the simulator answers 6A84 past a limit): a chain's
 * CA certificates that do not fit stay off the card whole, the import says how signatures get them
 * instead, and a certificate that does not fit at all leaves the key's old one in place.
 */
class CardFullCliTest {
    @TempDir
    static Path dir;
    static SmartCardHsmSimulator sim;
    static CliRun cli;
    static PublicKey pub;

    @BeforeAll
    static void aKeyOnAFreshCard() throws Exception {
        sim = CardCli.insert(1, new SmartCardHsmSimulator());
        cli = CardCli.in(dir);
        cli.run(CardCli.on(1, "key", "generate", "--type", "ec:P-256", "--label", "full")).assertOk();
        pub = CardCli.exportedPublicKey(cli, dir, 1, "full", "EC");
    }

    @AfterAll
    static void out() {
        CardCli.PCSC.remove(1);
    }

    private static byte[] certificateFor(String name) throws Exception {
        return TestPki.standard().issueUser(name, new KeyPair(pub, null), "full@hsmkit.test", KeyUsage.digitalSignature, null,
                Instant.now().minus(1, ChronoUnit.DAYS), Instant.now().plus(30, ChronoUnit.DAYS)).certificate().getEncoded();
    }

    private static int certificateFile() {
        return sim.fileIds().stream().filter(f -> f >>> 8 == 0xCE).findFirst().orElseThrow();
    }

    @Test
    void whatDoesNotFitStaysOffWholeAndTheOldCertificateStays() throws Exception {
        byte[] leaf = certificateFor("Full Card");
        Files.writeString(dir.resolve("chain.pem"), TestPki.pem(List.of(
                (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(leaf)),
                TestPki.standard().intermediate().certificate(), TestPki.standard().root().certificate())));
        // room for the key's certificate in place of its request, and not for a CA certificate
        int request = sim.file(certificateFile()).orElseThrow().length;
        sim.limitFileBytes(sim.fileBytes() - request + leaf.length + 100);

        CliRun.Result r = cli.run(CardCli.on(1, "key", "import-cert", "chain.pem")).assertOk();
        assertTrue(r.stderr().contains("hsmkit: stored the certificate CN=Full Card"), r.stderr());
        assertTrue(r.stderr().contains("hsmkit: note: the 2 other certificates in chain.pem stay off the token; signatures carry them"
                + " when given with --chain chain.pem"), r.stderr());
        assertFalse(sim.fileIds().stream().anyMatch(f -> f >>> 8 == 0xCA || f >>> 8 == 0xC8), sim.fileIds().toString());
        assertArrayEquals(leaf, sim.file(certificateFile()).orElseThrow());
        String info = cli.run(CardCli.on(1, "key", "info", "--key", "full")).assertOk().stdout();
        assertTrue(info.contains("no CA certificate on the token"), info);

        // a longer certificate for the same key does not fit: the import fails and the one before stays
        sim.limitFileBytes(sim.fileBytes());
        byte[] longer = certificateFor("Full Card With A Much Longer Name In The Examples Department");
        Files.write(dir.resolve("longer.der"), longer);
        CliRun.Result full = cli.run(CardCli.on(1, "key", "import-cert", "--key", "full", "longer.der"));
        assertTrue(full.exitCode() == 3, full.exitCode() + ": " + full.stderr());
        assertTrue(full.stderr().contains("full"), full.stderr());
        assertArrayEquals(leaf, sim.file(certificateFile()).orElseThrow());
        assertTrue(cli.run(CardCli.on(1, "key", "info", "--key", "full")).assertOk().stdout().contains("CN=Full Card,"));
        sim.limitFileBytes(Integer.MAX_VALUE);
    }
}
