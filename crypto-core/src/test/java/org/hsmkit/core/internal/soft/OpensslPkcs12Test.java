package org.hsmkit.core.internal.soft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Signature;

import javax.crypto.Cipher;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.PinException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PKCS#12 files made by openssl open as soft tokens, whatever protects their keys: PBES2 with
 * AES and PBKDF2 (read with the JDK) or the legacy PKCS#12 PBEs (read with Bouncy Castle); and
 * their keys sign and decrypt.
 */
class OpensslPkcs12Test {
    private static final String PASS = "openssl passphrase";

    @TempDir
    static Path pki;

    @TempDir
    Path dir;

    @BeforeAll
    static void writePki() {
        TestPki.standard().writeTo(pki);
    }

    @ParameterizedTest(name = "{0}, MAC {1}, {2}")
    @CsvSource({
        // PBES2 (PBKDF2 with HMAC-SHA-256, AES-CBC): the JDK decrypts the key
        "AES-256-CBC, sha256, alice-rsa2048",
        "AES-128-CBC, sha1, alice-rsa2048",
        "AES-256-CBC, sha512, bob-p256",
        "AES-256-CBC, sha256, erin-bp256",
        // the legacy PKCS#12 PBE of older tools: Bouncy Castle decrypts the key
        "PBE-SHA1-3DES, sha1, alice-rsa2048",
        "PBE-SHA1-3DES, sha1, erin-bp256",
    })
    void opensAndUsesTheKey(String keyPbe, String mac, String user) throws Exception {
        Path p12 = dir.resolve(user + ".p12");
        ExternalTool.run(dir, "openssl", "pkcs12", "-export",
                "-inkey", pki.resolve(user + ".key.pem").toString(), "-in", pki.resolve(user + ".pem").toString(),
                "-name", user, "-out", p12.toString(), "-passout", "pass:" + PASS,
                "-keypbe", keyPbe, "-certpbe", keyPbe, "-macalg", mac).requireSuccess();
        try (Token t = TokenSpec.parse("soft:" + p12).open(TokenOptions.withPins(PinSource.of(PASS.toCharArray())))) {
            TokenKey k = t.key(user);
            assertEquals(user, k.label());
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(user.getBytes());
            boolean rsa = k.type().isRsa();
            SignatureScheme scheme = rsa ? SignatureScheme.RSA_PKCS1 : SignatureScheme.ECDSA;
            byte[] signature = k.signDigest(scheme, DigestAlgorithm.SHA256, digest);
            Signature v = Signature.getInstance(rsa ? "SHA256withRSA" : "SHA256withECDSA", new org.bouncycastle.jce.provider.BouncyCastleProvider());
            v.initVerify(k.certificate().orElseThrow().getPublicKey());
            v.update(user.getBytes());
            assertTrue(v.verify(signature), "signature");
            if (rsa) {
                for (RsaPadding padding : RsaPadding.values()) {
                    Cipher c = padding == RsaPadding.PKCS1 ? Cipher.getInstance("RSA/ECB/PKCS1Padding")
                            : Cipher.getInstance("RSA/ECB/OAEPPadding");
                    if (padding != RsaPadding.PKCS1) {
                        String h = padding.oaepHashJcaName();
                        c.init(Cipher.ENCRYPT_MODE, k.publicKey(), new javax.crypto.spec.OAEPParameterSpec(h, "MGF1",
                                new java.security.spec.MGF1ParameterSpec(h), javax.crypto.spec.PSource.PSpecified.DEFAULT));
                    } else {
                        c.init(Cipher.ENCRYPT_MODE, k.publicKey());
                    }
                    assertArrayEquals(digest, k.decrypt(padding, c.doFinal(digest)), padding.toString());
                }
            }
        }
    }

    @Test
    void aWrongPassphraseIsAPinError() {
        Path p12 = dir.resolve("alice.p12");
        ExternalTool.run(dir, "openssl", "pkcs12", "-export", "-inkey", pki.resolve("alice-rsa2048.key.pem").toString(),
                "-in", pki.resolve("alice-rsa2048.pem").toString(), "-name", "alice", "-out", p12.toString(),
                "-passout", "pass:" + PASS).requireSuccess();
        assertThrows(PinException.class, () -> {
            try (Token t = TokenSpec.parse("soft:" + p12).open(TokenOptions.withPins(PinSource.of("wrong".toCharArray())))) {
                t.keys();
            }
        });
    }
}
