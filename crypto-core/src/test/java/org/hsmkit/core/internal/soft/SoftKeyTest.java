package org.hsmkit.core.internal.soft;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

import org.hsmkit.core.DigestAlgorithm;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SoftKeyTest {
    private static final byte[] MESSAGE = "the quick brown fox".getBytes();

    private static SoftKey key(TestUser u) {
        TestPki.Credential c = TestPki.standard().user(u);
        return SoftKey.of(c.privateKey(), c.chain(), u.fileName());
    }

    @ParameterizedTest
    @EnumSource(DigestAlgorithm.class)
    void rsaPkcs1AndPssSignaturesVerifyWithTheJdk(DigestAlgorithm d) throws Exception {
        SoftKey k = key(TestUser.ALICE_RSA2048);
        byte[] digest = MessageDigest.getInstance(d.jcaName()).digest(MESSAGE);
        Signature v = Signature.getInstance(d.jcaName().replace("-", "") + "withRSA");
        v.initVerify(k.publicKey());
        v.update(MESSAGE);
        assertTrue(v.verify(k.signDigest(SignatureScheme.RSA_PKCS1, d, digest)));

        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec(d.jcaName(), "MGF1", new MGF1ParameterSpec(d.jcaName()), d.length(), 1));
        pss.initVerify(k.publicKey());
        pss.update(MESSAGE);
        assertTrue(pss.verify(k.signDigest(SignatureScheme.RSA_PSS, d, digest)));
    }

    @ParameterizedTest
    @EnumSource(value = TestUser.class, names = {"BOB_P256", "CAROL_P384", "DAVE_P521", "ERIN_BP256"})
    void ecdsaSignaturesVerify(TestUser u) throws Exception {
        SoftKey k = key(u);
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(MESSAGE);
        Signature v = Signature.getInstance("SHA256withECDSA", new org.bouncycastle.jce.provider.BouncyCastleProvider());
        v.initVerify(k.publicKey());
        v.update(MESSAGE);
        assertTrue(v.verify(k.signDigest(SignatureScheme.ECDSA, DigestAlgorithm.SHA256, digest)));
    }

    @Test
    void oaepSha256RoundTrip() throws Exception {
        SoftKey k = key(TestUser.ALICE_RSA2048);
        Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
        c.init(Cipher.ENCRYPT_MODE, k.publicKey(),
                new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
        byte[] secret = new byte[32];
        secret[3] = 7;
        assertArrayEquals(secret, k.decrypt(RsaPadding.OAEP_SHA256, c.doFinal(secret)));
    }
}
