package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.x509.KeyUsage;
import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.schsm.SmartCardHsmFixture;
import org.hsmkit.testdata.schsm.SmartCardHsmSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hsmkit's PKCS#11 token on a SmartCard-HSM through OpenSC's PKCS#11 module, as a Nitrokey HSM 2
 * user runs it: the card is the simulator behind the test pcscd, OpenSC is the real module
 * (loaded once in this JVM). Keys generated, used, certified and deleted; openssl and
 * pkcs11-tool check from outside.
 */
class OpenscSmartCardHsmTest {
    private static final byte[] MESSAGE = "signed through OpenSC".getBytes(StandardCharsets.UTF_8);
    private static SmartCardHsmFixture card;
    private static Token token;

    @TempDir
    static Path dir;

    @BeforeAll
    static void insertCard() {
        card = SmartCardHsmFixture.insert(0, new SmartCardHsmSimulator());
        token = open();
    }

    private static Token open() {
        return TokenSpec.parse(card.uri()).open(new TokenOptions(Optional.of(card.module()), PinSource.of(card.userPin()), false));
    }

    @AfterAll
    static void removeCard() {
        token.close();
        card.close();
    }

    private static X509Certificate certify(TokenKey key, String name) {
        return TestPki.standard().issueUser(name, new KeyPair(key.publicKey(), null), null, KeyUsage.digitalSignature, null,
                Instant.now().minus(1, ChronoUnit.HOURS), Instant.now().plus(1, ChronoUnit.DAYS)).certificate();
    }

    /**
     * A later hsmkit command (another process) sees the card as OpenSC reads it afresh: C_Finalize
     * and C_Initialize make the module bind to the card again.
     */
    private static Token reopened() {
        Pkcs11Library.load(card.module()).reinitialize();
        return open();
    }

    /**
     * Read afresh from a SmartCard-HSM, the public key of a key with a certificate is made by
     * OpenSC from the certificate, so removing the certificate takes that public key object (and
     * its handle) with it.
     */
    @Test
    void deletingAKeyWithACertificateLeavesNothingWithItsId() {
        TokenKey generated = token.generateKey(KeyType.EC_P256, "short-lived", new byte[] {0x44});
        token.storeCertificate(generated, certify(generated, "Short Lived"));
        Set<Integer> before = card.card().keyReferences();

        try (Token later = reopened()) {
            later.deleteKey(later.key("short-lived"));
        }

        assertEquals(before.size() - 1, card.card().keyReferences().size(), "the key is gone from the card");
        String objects = card.pkcs11Tool("--login", "--pin", SmartCardHsmSimulator.DEFAULT_USER_PIN, "--list-objects")
                .requireSuccess().stdoutText();
        assertFalse(objects.contains("ID:         44"), objects);
        assertTrue(token.keys().stream().noneMatch(k -> "short-lived".equals(k.label())));
        TokenKey again = token.generateKey(KeyType.EC_P256, "short-lived", new byte[] {0x44});
        assertArrayEquals(new byte[] {0x44}, again.id());
        token.deleteKey(again);
    }

    /**
     * A key whose certificate pkcs11-tool deleted has, read afresh through OpenSC, no public key:
     * hsmkit lists it, refuses to use it or to attach a certificate it cannot check with a clear KEY
     * error, and deletes it.
     */
    @Test
    void aKeyWithoutPublicKeyIsListedRepairedAndDeleted() throws Exception {
        String pin = SmartCardHsmSimulator.DEFAULT_USER_PIN;
        card.pkcs11Tool("--login", "--pin", pin, "--keypairgen", "--key-type", "EC:prime256v1", "--id", "51", "--label",
                "orphan").requireSuccess();
        int ref = card.card().keyReferences().stream().max(Integer::compare).orElseThrow();
        java.security.PublicKey onCard = card.card().publicKey(ref).orElseThrow();
        X509Certificate cert = TestPki.standard().issueUser("Orphan", new KeyPair(onCard, null), null,
                KeyUsage.digitalSignature, null, Instant.now().minus(1, ChronoUnit.HOURS), Instant.now().plus(1, ChronoUnit.DAYS))
                .certificate();
        Path der = java.nio.file.Files.write(dir.resolve("orphan.der"), cert.getEncoded());
        card.pkcs11Tool("--login", "--pin", pin, "--write-object", der.toString(), "--type", "cert", "--id", "51",
                "--label", "orphan").requireSuccess();
        card.pkcs11Tool("--login", "--pin", pin, "--delete-object", "--type", "cert", "--id", "51").requireSuccess();

        try (Token later = reopened()) {
            TokenKey orphan = later.keys().stream().filter(k -> java.util.Arrays.equals(k.id(), new byte[] {0x51}))
                    .findFirst().orElseThrow(() -> new AssertionError("the key is listed"));
            assertFalse(orphan.publicKeyKnown());
            HsmkitException unknown = org.junit.jupiter.api.Assertions.assertThrows(HsmkitException.class, orphan::type);
            assertEquals(ErrorKind.KEY, unknown.kind());
            assertTrue(unknown.getMessage().contains("is unknown"), unknown.getMessage());
            assertEquals(ErrorKind.KEY, org.junit.jupiter.api.Assertions.assertThrows(HsmkitException.class,
                    () -> orphan.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, new byte[32])).kind());
            TokenKey picked = later.key("pkcs11:id=%51");
            assertFalse(picked.publicKeyKnown());

            HsmkitException refused = org.junit.jupiter.api.Assertions.assertThrows(HsmkitException.class,
                    () -> later.storeCertificate(picked, cert));
            assertEquals(ErrorKind.KEY, refused.kind());
            assertTrue(refused.hint().orElseThrow().contains("pkcs11-tool --write-object"), refused.hint().orElseThrow());
        }
        // the way out the hint names gives the key its public key back
        card.pkcs11Tool("--login", "--pin", pin, "--write-object", der.toString(), "--type", "cert", "--id", "51",
                "--label", "orphan").requireSuccess();
        try (Token again = reopened()) {
            TokenKey k = again.key("pkcs11:id=%51");
            assertTrue(k.publicKeyKnown(), "the certificate gives the public key back");
            assertEquals(cert, k.certificate().orElseThrow());
            again.deleteKey(k);
            assertTrue(again.keys().stream().noneMatch(x -> java.util.Arrays.equals(x.id(), new byte[] {0x51})));
        }
    }

    @Test
    void anRsaKeySignsAndDecryptsOaepThroughOpensc() throws Exception {
        TokenKey rsa = token.generateKey(KeyType.RSA_2048, "rsa through opensc", new byte[] {0x21});
        Openssl openssl = new Openssl(dir);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        for (SignatureScheme scheme : new SignatureScheme[] {SignatureScheme.RSA_PKCS1, SignatureScheme.RSA_PSS}) {
            byte[] sig = rsa.signDigest(scheme, DigestAlgorithm.SHA256, digest);
            assertTrue(openssl.verifies(rsa.publicKey(), scheme, DigestAlgorithm.SHA256, MESSAGE, sig), scheme.name());
        }
        byte[] secret = "a content key of 32 bytes length".getBytes(StandardCharsets.US_ASCII);
        for (RsaPadding padding : new RsaPadding[] {RsaPadding.OAEP_SHA256, RsaPadding.PKCS1}) {
            assertArrayEquals(secret, rsa.decrypt(padding, openssl.encrypt(rsa.publicKey(), padding, secret)), padding.name());
        }
        X509Certificate cert = certify(rsa, "RSA Through OpenSC");
        TokenKey certified = token.storeCertificate(rsa, cert);
        try (Token fresh = open()) {
            assertEquals(cert, fresh.key("rsa through opensc").certificate().orElseThrow());
        }
        token.deleteKey(certified);
    }

    @Test
    void anEcKeySignsAndAgreesThroughOpensc() throws Exception {
        TokenKey ec = token.generateKey(KeyType.EC_P384, "ec through opensc", new byte[] {0x22});
        Openssl openssl = new Openssl(dir);
        byte[] digest = MessageDigest.getInstance("SHA-384").digest(MESSAGE);
        byte[] sig = ec.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA384, digest);
        assertTrue(openssl.verifies(ec.publicKey(), SignatureScheme.ECDSA, DigestAlgorithm.SHA384, MESSAGE, sig));
        Path peer = openssl.generateEcKey(KeyType.EC_P384);
        byte[] shared = ec.agree((ECPublicKey) openssl.publicKeyOf(peer));
        assertArrayEquals(openssl.derive(peer, ec.publicKey()), shared);
        token.deleteKey(ec);
    }
}
