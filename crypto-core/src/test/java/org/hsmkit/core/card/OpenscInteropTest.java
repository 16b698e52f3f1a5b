package org.hsmkit.core.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.soft.SignatureFormats;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hsmkit and OpenSC on the same simulated card: keys and data objects hsmkit writes are seen and
 * used by OpenSC's PKCS#11 module (through pkcs11-tool), and what pkcs11-tool writes is seen and
 * used by hsmkit. The layout on the card is OpenSC's, so neither needs the other.
 */
class OpenscInteropTest {
    private static final String PIN = SmartCardHsmSimulator.DEFAULT_USER_PIN;
    private static CardFixture fixture;
    private static SmartCardHsm card;

    @TempDir
    Path tmp;

    @BeforeAll
    static void card() {
        ExternalTool.require("pkcs11-tool", "opensc");
        fixture = new CardFixture(new SmartCardHsmSimulator());
        card = fixture.open();
    }

    @AfterAll
    static void close() {
        card.close();
        fixture.close();
    }

    static String module() {
        for (String p : List.of("/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so", "/usr/lib/x86_64-linux-gnu/pkcs11/opensc-pkcs11.so",
                "/usr/lib/opensc-pkcs11.so", "/usr/lib/pkcs11/opensc-pkcs11.so")) {
            if (Files.exists(Path.of(p))) {
                return p;
            }
        }
        throw new AssertionError("OpenSC's PKCS#11 module is not installed (apt-get install opensc-pkcs11)");
    }

    private ExternalTool.Result p11(String... args) {
        List<String> cmd = new ArrayList<>(List.of("pkcs11-tool", "--module", module()));
        cmd.addAll(List.of(args));
        return ExternalTool.run(tmp, null, CardFixture.PCSC.environment(), cmd).requireSuccess();
    }

    @Test
    void aKeyHsmkitGeneratesIsListedAndUsedByOpensc() throws Exception {
        TokenKey k = card.generateKey(KeyType.EC_P256, "made-by-hsmkit", HexFormat.of().parseHex("5a"));
        String objects = p11("--login", "--pin", PIN, "--list-objects").stdoutText();
        assertTrue(objects.contains("made-by-hsmkit") && objects.contains("ID:         5a"), objects);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(CardFixture.utf8("through OpenSC"));
        Files.write(tmp.resolve("hash"), digest);
        p11("--login", "--pin", PIN, "--sign", "--mechanism", "ECDSA", "--id", "5a", "-i", "hash", "-o", "sig");
        byte[] der = SignatureFormats.ecdsaToDer(Files.readAllBytes(tmp.resolve("sig")), 32);
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(k.publicKey());
        v.update(CardFixture.utf8("through OpenSC"));
        assertTrue(v.verify(der), "OpenSC signed with the key hsmkit generated, and hsmkit's public key verifies it");
    }

    @Test
    void aKeyOpenscGeneratesIsFoundAndUsedByHsmkit() throws Exception {
        p11("--login", "--pin", PIN, "--keypairgen", "--key-type", "EC:prime256v1", "--label", "made-by-opensc", "--id", "77");
        p11("--read-object", "--type", "pubkey", "--id", "77", "-o", "pub.der");
        TokenKey k = card.key("made-by-opensc");
        assertArrayEquals(HexFormat.of().parseHex("77"), k.id());
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(CardFixture.utf8("through hsmkit"));
        byte[] sig = k.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest);
        Signature v = Signature.getInstance("SHA256withECDSA");
        v.initVerify(java.security.KeyFactory.getInstance("EC")
                .generatePublic(new java.security.spec.X509EncodedKeySpec(Files.readAllBytes(tmp.resolve("pub.der")))));
        v.update(CardFixture.utf8("through hsmkit"));
        assertTrue(v.verify(sig), "hsmkit signed with OpenSC's key; OpenSC's public key verifies it");
    }

    @Test
    void dataObjectsCrossBothWays() throws Exception {
        byte[] ours = HexFormat.of().parseHex("0102030405060708090a");
        card.writeData("from-hsmkit", "hsmkit", ours, true);
        p11("--login", "--pin", PIN, "--read-object", "--type", "data", "--label", "from-hsmkit", "-o", "read.bin");
        assertArrayEquals(ours, Files.readAllBytes(tmp.resolve("read.bin")));

        byte[] theirs = CardFixture.utf8("a VeraCrypt keyfile, say");
        Files.write(tmp.resolve("write.bin"), theirs);
        p11("--login", "--pin", PIN, "--write-object", "write.bin", "--type", "data", "--label", "from-opensc", "--private");
        assertArrayEquals(theirs, card.readData("from-opensc"));
        assertTrue(card.dataObjects().stream().anyMatch(d -> d.label().equals("from-opensc") && d.privateObject()));
    }
}
