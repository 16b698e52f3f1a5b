package org.hsmkit.core.internal.pkcs11;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
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
import org.hsmkit.core.internal.Providers;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every private-key operation with every key type SoftHSM2 generates, through the PKCS#11
 * binding, each result checked by someone else: the JDK or Bouncy Castle and the openssl command
 * line verify signatures, openssl encrypts what the token decrypts and derives the ECDH secret
 * the token must match. (RSA-4096 has one test of its own: generating it is slow.)
 */
class Pkcs11KeyOperationsTest {
    private static final byte[] MESSAGE = "a message hashed on the host".getBytes(StandardCharsets.UTF_8);
    private static final List<KeyType> TYPES = Stream.of(KeyType.values()).filter(t -> t != KeyType.RSA_4096).toList();

    private static SoftHsmToken hsm;
    private static Token token;
    private static final Map<KeyType, TokenKey> KEYS = new EnumMap<>(KeyType.class);

    @TempDir
    static Path dir;
    private static Openssl openssl;

    @BeforeAll
    static void generateOneKeyOfEachType() {
        hsm = SoftHsmToken.create("keyops");
        token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
        for (KeyType t : TYPES) {
            KEYS.put(t, token.generateKey(t, t.spec(), null));
        }
        openssl = new Openssl(dir);
    }

    @AfterAll
    static void closeToken() {
        token.close();
        hsm.close();
    }

    static Stream<Arguments> signatureCases() {
        List<Arguments> cases = new ArrayList<>();
        for (KeyType t : TYPES) {
            for (SignatureScheme s : SignatureScheme.values()) {
                if (s.fits(t)) {
                    for (DigestAlgorithm d : DigestAlgorithm.values()) {
                        cases.add(Arguments.of(t, s, d));
                    }
                }
            }
        }
        return cases.stream();
    }

    private static byte[] digest(DigestAlgorithm d, byte[] data) throws Exception {
        return MessageDigest.getInstance(d.jcaName()).digest(data);
    }

    private static Signature verifier(SignatureScheme s, DigestAlgorithm d, PublicKey key) throws Exception {
        String h = d.jcaName().replace("-", "");
        Signature v;
        switch (s) {
            case RSA_PKCS1 -> v = Signature.getInstance(h + "withRSA");
            case RSA_PSS -> {
                v = Signature.getInstance("RSASSA-PSS");
                v.setParameter(new PSSParameterSpec(d.jcaName(), "MGF1", new MGF1ParameterSpec(d.jcaName()), d.length(), 1));
            }
            default -> v = Signature.getInstance(h + "withECDSA", Providers.bc());
        }
        v.initVerify(key);
        return v;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("signatureCases")
    void signaturesOverHostDigestsVerifyInSoftware(KeyType type, SignatureScheme scheme, DigestAlgorithm d) throws Exception {
        TokenKey key = KEYS.get(type);
        byte[] signature = key.signDigest(scheme, d, digest(d, MESSAGE));
        Signature v = verifier(scheme, d, key.publicKey());
        v.update(MESSAGE);
        assertTrue(v.verify(signature));

        Signature other = verifier(scheme, d, key.publicKey());
        other.update("another message".getBytes(StandardCharsets.UTF_8));
        assertTrue(!other.verify(signature), "the signature is bound to the message");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("signatureCases")
    void opensslVerifiesTheSignatures(KeyType type, SignatureScheme scheme, DigestAlgorithm d) throws Exception {
        if (d != DigestAlgorithm.SHA256 && !(type == KeyType.RSA_2048 || type == KeyType.EC_P384)) {
            return; // every scheme and curve with SHA-256; the other hashes on two keys keep the run short
        }
        TokenKey key = KEYS.get(type);
        assertTrue(openssl.verifies(key.publicKey(), scheme, d, MESSAGE, key.signDigest(scheme, d, digest(d, MESSAGE))));
    }

    @ParameterizedTest
    @EnumSource(value = SignatureScheme.class)
    void aContentSignerMakesCertificatesThatVerify(SignatureScheme scheme) throws Exception {
        TokenKey key = KEYS.get(scheme == SignatureScheme.ECDSA ? KeyType.EC_BRAINPOOL_P256R1 : KeyType.RSA_3072);
        X500Name name = new X500Name("CN=content signer " + scheme);
        Instant now = Instant.now();
        X509CertificateHolder cert = new JcaX509v3CertificateBuilder(name, BigInteger.TEN, Date.from(now),
                Date.from(now.plus(1, ChronoUnit.DAYS)), name, key.publicKey())
                .build(key.contentSigner(scheme, DigestAlgorithm.SHA384));
        assertTrue(cert.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(Providers.bc()).build(key.publicKey())));
    }

    static Stream<Arguments> decryptionCases() {
        List<Arguments> cases = new ArrayList<>();
        for (KeyType t : List.of(KeyType.RSA_2048, KeyType.RSA_3072)) {
            for (RsaPadding p : RsaPadding.values()) {
                cases.add(Arguments.of(t, p));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("decryptionCases")
    void opensslCiphertextsDecrypt(KeyType type, RsaPadding padding) {
        TokenKey key = KEYS.get(type);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        byte[] ciphertext = openssl.encrypt(key.publicKey(), padding, secret);
        assertArrayEquals(secret, key.decrypt(padding, ciphertext));
    }

    /** Plaintext lengths from 0 to the padding's maximum (k - 2h - 2 for OAEP, k - 11 for PKCS#1). */
    @ParameterizedTest(name = "{0} {1} bytes")
    @org.junit.jupiter.params.provider.CsvSource({
        "OAEP_SHA256, 0", "OAEP_SHA256, 1", "OAEP_SHA256, 189", "OAEP_SHA256, 190",
        "OAEP_SHA1, 0", "OAEP_SHA1, 214",
        "PKCS1, 0", "PKCS1, 1", "PKCS1, 244", "PKCS1, 245",
    })
    void plaintextsOfEveryLengthUpToTheMaximumComeBack(RsaPadding padding, int length) {
        TokenKey key = KEYS.get(KeyType.RSA_2048);
        byte[] secret = new byte[length];
        new SecureRandom().nextBytes(secret);
        if (length > 0) {
            secret[0] = 0; // a leading zero byte must survive
        }
        assertArrayEquals(secret, key.decrypt(padding, openssl.encrypt(key.publicKey(), padding, secret)));
    }

    @ParameterizedTest
    @EnumSource(RsaPadding.class)
    void aCiphertextForAnotherKeyIsAnInputError(RsaPadding padding) {
        byte[] forOther = openssl.encrypt(KEYS.get(KeyType.RSA_3072).publicKey(), padding, new byte[16]);
        byte[] truncated = java.util.Arrays.copyOf(forOther, 256);
        HsmkitException e = assertThrows(HsmkitException.class, () -> KEYS.get(KeyType.RSA_2048).decrypt(padding, truncated));
        assertEquals(ErrorKind.INPUT, e.kind(), e.getMessage());
    }

    @Test
    void aCiphertextWithTheWrongPaddingIsAnInputError() {
        TokenKey key = KEYS.get(KeyType.RSA_2048);
        byte[] oaep = openssl.encrypt(key.publicKey(), RsaPadding.OAEP_SHA256, new byte[16]);
        HsmkitException e = assertThrows(HsmkitException.class, () -> key.decrypt(RsaPadding.OAEP_SHA1, oaep));
        assertEquals(ErrorKind.INPUT, e.kind());
        HsmkitException p = assertThrows(HsmkitException.class, () -> key.decrypt(RsaPadding.PKCS1, oaep));
        assertEquals(ErrorKind.INPUT, p.kind());
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = "EC_.*", mode = EnumSource.Mode.MATCH_ALL)
    void theEcdhSecretEqualsOpensslsDerivation(KeyType type) {
        TokenKey key = KEYS.get(type);
        Path peer = openssl.generateEcKey(type);
        byte[] expected = openssl.derive(peer, key.publicKey());
        byte[] secret = key.agree((ECPublicKey) openssl.publicKeyOf(peer));
        assertEquals((type.bits() + 7) / 8, secret.length);
        assertArrayEquals(expected, secret);
    }

    @Test
    void ecdhWithAPeerOnAnotherCurveIsAnInputError() {
        Path peer = openssl.generateEcKey(KeyType.EC_P384);
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> KEYS.get(KeyType.EC_P256).agree((ECPublicKey) openssl.publicKeyOf(peer)));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("same curve") || e.hint().orElse("").contains("same curve"), e.getMessage());
    }

    @Test
    void operationsThatDoNotFitTheKeyTypeAreRefusedBeforeTheTokenIsAsked() {
        TokenKey rsa = KEYS.get(KeyType.RSA_2048);
        TokenKey ec = KEYS.get(KeyType.EC_P256);
        byte[] d = new byte[32];
        assertEquals(ErrorKind.KEY, assertThrows(HsmkitException.class,
                () -> rsa.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, d)).kind());
        assertEquals(ErrorKind.KEY, assertThrows(HsmkitException.class,
                () -> ec.signDigest(SignatureScheme.RSA_PSS, DigestAlgorithm.SHA256, d)).kind());
        assertEquals(ErrorKind.KEY, assertThrows(HsmkitException.class, () -> ec.decrypt(RsaPadding.PKCS1, d)).kind());
        assertEquals(ErrorKind.KEY, assertThrows(HsmkitException.class,
                () -> rsa.agree((ECPublicKey) ec.publicKey())).kind());
        assertThrows(IllegalArgumentException.class, () -> ec.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA384, d));
    }

    @Test
    void aMechanismTheTokenLacksIsNamedWithTheToken() {
        Pkcs11Token p11 = (Pkcs11Token) token;
        long vendorMechanism = 0x80001234L;
        HsmkitException e = assertThrows(HsmkitException.class, () -> p11.requireMechanism(vendorMechanism, "a test"));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains(hsm.label()), e.getMessage());
        assertTrue(e.getMessage().contains("needed for a test"), e.getMessage());
        assertTrue(p11.hasMechanism(org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_ECDH1_DERIVE));
    }

    @Test
    void randomBytesComeFromTheTokenInAnyAmount() {
        for (int n : new int[] {0, 1, 1023, 1024, 1025, 5000}) {
            byte[] a = new byte[n];
            token.randomBytes(a);
            if (n >= 16) {
                byte[] b = new byte[n];
                token.randomBytes(b);
                assertTrue(!java.util.Arrays.equals(a, b));
                assertTrue(!java.util.Arrays.equals(new byte[n], a));
            }
        }
    }

    @Test
    void severalThreadsUseTheTokenAtOnceEachInASessionOfItsOwn() throws Exception {
        TokenKey key = KEYS.get(KeyType.EC_P256);
        byte[] digest = digest(DigestAlgorithm.SHA256, MESSAGE);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                results.add(pool.submit(() -> key.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest)));
            }
            for (java.util.concurrent.Future<byte[]> r : results) {
                Signature v = verifier(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, key.publicKey());
                v.update(MESSAGE);
                assertTrue(v.verify(r.get()));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void rsa4096IsGeneratedSignsAndDecrypts() throws Exception {
        TokenKey key = token.generateKey(KeyType.RSA_4096, "rsa-4096", new byte[] {0x40, (byte) 0x96});
        assertEquals(KeyType.RSA_4096, key.type());
        byte[] signature = key.signDigest(SignatureScheme.RSA_PSS, DigestAlgorithm.SHA512, digest(DigestAlgorithm.SHA512, MESSAGE));
        assertTrue(openssl.verifies(key.publicKey(), SignatureScheme.RSA_PSS, DigestAlgorithm.SHA512, MESSAGE, signature));
        byte[] secret = "a content key of thirty-two byte".getBytes(StandardCharsets.US_ASCII);
        assertArrayEquals(secret, key.decrypt(RsaPadding.OAEP_SHA256, openssl.encrypt(key.publicKey(), RsaPadding.OAEP_SHA256, secret)));
    }
}
