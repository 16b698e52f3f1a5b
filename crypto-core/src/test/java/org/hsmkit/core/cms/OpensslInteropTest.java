package org.hsmkit.core.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.SoftHsmToken;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code openssl cms} reads what hsmkit writes and hsmkit reads what openssl writes, for every
 * recipient key type, GCM and CBC, and the paddings and KDFs openssl offers. hsmkit's private keys
 * are in SoftHSM2, reached through the real PKCS#11 binding.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpensslInteropTest {
    static final List<TestUser> RECIPIENTS = List.of(TestUser.ALICE_RSA2048, TestUser.ANDY_RSA3072, TestUser.BOB_P256,
            TestUser.CAROL_P384, TestUser.DAVE_P521, TestUser.ERIN_BP256, TestUser.FRANK_BP384, TestUser.GRACE_BP512);

    private final byte[] plain = CmsEncryptionRoundTripTest.random(100_003, 11);
    private Path dir;
    private SoftHsmToken hsm;
    private Token token;

    @BeforeAll
    void setUp() throws Exception {
        ExternalTool.require("openssl", "openssl");
        dir = Files.createTempDirectory("hsmkit-openssl-");
        TestPki.standard().writeTo(dir);
        Files.write(dir.resolve("plain.bin"), plain);
        hsm = SoftHsmToken.create("cms-openssl");
        token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
        for (TestUser u : RECIPIENTS) {
            TestPki.Credential c = TestPki.standard().user(u);
            token.importKey(c.privateKey(), c.chain(), u.fileName(), null);
        }
    }

    @AfterAll
    void tearDown() {
        if (token != null) {
            token.close();
        }
        if (hsm != null) {
            hsm.close();
        }
    }

    static List<Arguments> hsmkitToOpenssl() {
        List<Arguments> out = new ArrayList<>();
        for (TestUser u : RECIPIENTS) {
            for (ContentCipher c : List.of(ContentCipher.AES256_GCM, ContentCipher.AES256_CBC, ContentCipher.AES128_CBC)) {
                out.add(Arguments.of(u, c, RsaPadding.OAEP_SHA256, c == ContentCipher.AES256_CBC));
                if (u.isRsa()) {
                    out.add(Arguments.of(u, c, RsaPadding.PKCS1, false));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} {2} armor={3}")
    @MethodSource
    void hsmkitToOpenssl(TestUser u, ContentCipher cipher, RsaPadding padding, boolean armor) throws Exception {
        ByteArrayOutputStream enc = new ByteArrayOutputStream();
        CmsEncryptor.to(RecipientSet.of(List.of(TestPki.standard().user(u).certificate()))).cipher(cipher).rsaPadding(padding)
                .armor(armor).build().encrypt(new ByteArrayInputStream(plain), enc);
        String name = u.fileName() + "-" + cipher + "-" + padding + ".p7m";
        Files.write(dir.resolve(name), enc.toByteArray());
        ExternalTool.run(dir, "openssl", "cms", "-decrypt", "-binary", "-inform", armor ? "PEM" : "DER", "-in", name,
                "-recip", u.fileName() + ".pem", "-inkey", u.fileName() + ".key.pem", "-out", name + ".out").requireSuccess();
        assertArrayEquals(plain, Files.readAllBytes(dir.resolve(name + ".out")));
    }

    static List<Arguments> opensslToHsmkit() {
        List<Arguments> out = new ArrayList<>();
        for (TestUser u : RECIPIENTS) {
            // -des3: old mail, which hsmkit reads but never writes
            for (String cipher : List.of("-aes-256-gcm", "-aes-128-gcm", "-aes-256-cbc", "-aes-128-cbc", "-des3")) {
                if (u.isRsa()) {
                    out.add(Arguments.of(u, cipher, List.of()));   // PKCS#1 v1.5, openssl's default
                    out.add(Arguments.of(u, cipher, List.of("-keyopt", "rsa_padding_mode:oaep")));   // OAEP SHA-1
                    out.add(Arguments.of(u, cipher, List.of("-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256")));
                } else {
                    out.add(Arguments.of(u, cipher, List.of()));   // ECDH with sha1kdf, openssl's default
                    out.add(Arguments.of(u, cipher, List.of("-keyopt", "ecdh_kdf_md:sha256")));
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource
    void opensslToHsmkit(TestUser u, String cipher, List<String> keyopts) throws Exception {
        String name = u.fileName() + cipher + keyopts.size() + keyopts.hashCode() + ".p7m";
        List<String> cmd = new ArrayList<>(List.of("openssl", "cms", "-encrypt", "-binary", cipher, "-outform", "DER",
                "-in", "plain.bin", "-out", name, "-recip", u.fileName() + ".pem"));
        cmd.addAll(keyopts);
        ExternalTool.run(dir, null, java.util.Map.of(), cmd).requireSuccess();
        TokenKey key = token.key(u.fileName());
        Path target = dir.resolve(name + ".hsmkit");
        CmsDecryptor.Decryption d;
        try (InputStream in = Files.newInputStream(dir.resolve(name)); AtomicOutput out = AtomicOutput.toFile(target, true)) {
            d = CmsDecryptor.withKeys(token.keys()).decrypt(in, out);
        }
        assertArrayEquals(plain, Files.readAllBytes(target));
        assertEquals(key.reference(), d.keyReference());
        assertEquals(cipher.contains("gcm"), d.authenticated());
        assertEquals(cipher.equals("-des3"), !d.cipher().isWritable());
    }

    /** A cipher hsmkit does not read is named, not only given as an OID, and nothing is written. */
    @Test
    void aCamelliaFileIsAnInputErrorNamingTheCipher() throws Exception {
        ExternalTool.run(dir, "openssl", "cms", "-encrypt", "-binary", "-camellia-256-cbc", "-outform", "DER",
                "-in", "plain.bin", "-out", "camellia.p7m", "alice-rsa2048.pem").requireSuccess();
        Path target = dir.resolve("camellia.out");
        org.hsmkit.core.HsmkitException e = org.junit.jupiter.api.Assertions.assertThrows(org.hsmkit.core.HsmkitException.class, () -> {
            try (InputStream in = Files.newInputStream(dir.resolve("camellia.p7m")); AtomicOutput out = AtomicOutput.toFile(target, true)) {
                CmsDecryptor.withKeys(token.keys()).decrypt(in, out);
                out.commit();
            }
        });
        assertEquals(org.hsmkit.core.ErrorKind.INPUT, e.kind());
        assertEquals("unsupported content cipher CAMELLIA-256/CBC (1.2.392.200011.61.1.1.1.4)", e.getMessage());
        org.junit.jupiter.api.Assertions.assertFalse(Files.exists(target));
    }

    @Test
    void streamingOpensslOutputDecryptsToo() throws Exception {
        ExternalTool.run(dir, "openssl", "cms", "-encrypt", "-stream", "-binary", "-aes-256-gcm", "-outform", "PEM",
                "-in", "plain.bin", "-out", "streamed.pem", "carol-p384.pem").requireSuccess();
        Path target = dir.resolve("streamed.out");
        try (InputStream in = Files.newInputStream(dir.resolve("streamed.pem")); AtomicOutput out = AtomicOutput.toFile(target, true)) {
            CmsDecryptor.withKeys(token.keys()).decrypt(in, out);
        }
        assertArrayEquals(plain, Files.readAllBytes(target));
    }

    /** openssl's password and pre-shared-key files: no token key can open them, and the error says so. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-pwri_password=a password", "-secretkey=000102030405060708090A0B0C0D0E0F"})
    void aFileForAPasswordOrPreSharedKeyIsRefusedWithWhatOpensItInstead(String option) throws Exception {
        String[] o = option.split("=", 2);
        List<String> cmd = new ArrayList<>(List.of("openssl", "cms", "-encrypt", "-binary", "-aes-256-cbc", "-outform", "DER",
                "-in", "plain.bin", "-out", "secret.p7m", o[0], o[1]));
        if (o[0].equals("-secretkey")) {
            cmd.addAll(List.of("-secretkeyid", "01"));
        }
        ExternalTool.run(dir, null, java.util.Map.of(), cmd).requireSuccess();
        Path target = dir.resolve("secret.out");
        HsmkitException e;
        try (InputStream in = Files.newInputStream(dir.resolve("secret.p7m")); AtomicOutput out = AtomicOutput.toFile(target, true)) {
            e = assertThrows(HsmkitException.class, () -> CmsDecryptor.withKeys(token.keys()).decrypt(in, out));
        }
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().startsWith("no recipient of this file is a public key; its recipients are: "
                + (o[0].equals("-secretkey") ? "pre-shared key" : "password")), e.getMessage());
        assertTrue(e.hint().orElseThrow().contains(o[0]), e.hint().orElseThrow());
        assertFalse(Files.exists(target));
    }

    static List<Arguments> signers() {
        return List.of(Arguments.of(TestUser.ALICE_RSA2048, SignatureScheme.RSA_PKCS1), Arguments.of(TestUser.ANDY_RSA3072, SignatureScheme.RSA_PSS),
                Arguments.of(TestUser.BOB_P256, SignatureScheme.ECDSA), Arguments.of(TestUser.DAVE_P521, SignatureScheme.ECDSA),
                Arguments.of(TestUser.FRANK_BP384, SignatureScheme.ECDSA));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("signers")
    void opensslVerifiesHsmkitSignaturesMadeInSoftHsm(TestUser u, SignatureScheme scheme) throws Exception {
        for (boolean attached : new boolean[] {false, true}) {
            ByteArrayOutputStream sig = new ByteArrayOutputStream();
            CmsSigner.with(token.key(u.fileName())).scheme(scheme).attached(attached).build().sign(new ByteArrayInputStream(plain), sig);
            String name = u.fileName() + "-" + attached + ".p7s";
            Files.write(dir.resolve(name), sig.toByteArray());
            List<String> cmd = new ArrayList<>(List.of("openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", name,
                    "-CAfile", "root.pem", "-purpose", "any", "-out", name + ".content"));
            if (!attached) {
                cmd.addAll(List.of("-content", "plain.bin"));
            }
            ExternalTool.run(dir, null, java.util.Map.of(), cmd).requireSuccess();
            assertArrayEquals(plain, Files.readAllBytes(dir.resolve(name + ".content")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signers")
    void hsmkitVerifiesOpensslSignatures(TestUser u, SignatureScheme scheme) throws Exception {
        String name = u.fileName() + "-openssl.p7s";
        List<String> cmd = new ArrayList<>(List.of("openssl", "cms", "-sign", "-binary", "-outform", "DER", "-in", "plain.bin",
                "-signer", u.fileName() + ".pem", "-inkey", u.fileName() + ".key.pem", "-certfile", "ca-chain.pem", "-out", name));
        if (scheme == SignatureScheme.RSA_PSS) {
            cmd.addAll(List.of("-keyopt", "rsa_padding_mode:pss"));
        }
        ExternalTool.run(dir, null, java.util.Map.of(), cmd).requireSuccess();
        try (InputStream sig = Files.newInputStream(dir.resolve(name)); InputStream content = Files.newInputStream(dir.resolve("plain.bin"))) {
            List<CmsVerifier.Signer> s = CmsVerifier.trusting(List.of(TestPki.standard().root().certificate())).verify(sig, content, null);
            assertEquals(TestPki.standard().user(u).certificate(), s.get(0).certificate());
        }
    }
}
