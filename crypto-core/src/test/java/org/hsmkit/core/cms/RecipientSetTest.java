package org.hsmkit.core.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.RecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.operator.OutputAEADEncryptor;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** RecipientSet writes recipient infos that TokenRecipient opens through Bouncy Castle's CMS parsers. */
class RecipientSetTest {
    private static final byte[] MESSAGE = "a message for the recipient".getBytes(StandardCharsets.UTF_8);

    static SoftKey key(TestUser u) {
        TestPki.Credential c = TestPki.standard().user(u);
        return SoftKey.of(c.privateKey(), c.chain(), u.fileName());
    }

    static List<Arguments> usersAndCiphers() {
        List<Arguments> out = new java.util.ArrayList<>();
        for (TestUser u : TestUser.values()) {
            if (u == TestUser.SIGNER_ONLY_RSA) {
                continue;
            }
            for (ContentCipher c : List.of(ContentCipher.AES256_GCM, ContentCipher.AES256_CBC, ContentCipher.AES128_CBC)) {
                out.add(Arguments.of(u, c, RsaPadding.OAEP_SHA256));
                if (u.isRsa()) {
                    out.add(Arguments.of(u, c, RsaPadding.PKCS1));
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("usersAndCiphers")
    void everyRecipientTypeAndCipherOpensWithTheTokenKey(TestUser user, ContentCipher cipher, RsaPadding padding) throws Exception {
        SoftKey me = key(user);
        RecipientSet set = RecipientSet.builder().add(me.certificate().get()).add(key(TestUser.ALICE_RSA2048)).build();
        byte[] plain = roundTrip(set, cipher, padding, me);
        assertArrayEquals(MESSAGE, plain);
    }

    @Test
    void aTokenKeyWithoutCertificateIsAddressedBySubjectKeyIdentifier() throws Exception {
        for (TestUser u : List.of(TestUser.ALICE_RSA2048, TestUser.CAROL_P384)) {
            TestPki.Credential c = TestPki.standard().user(u);
            SoftKey bare = new SoftKey(c.privateKey(), c.publicKey(), List.of(), "bare", null);
            RecipientSet set = RecipientSet.builder().add(bare).build();
            assertArrayEquals(MESSAGE, roundTrip(set, ContentCipher.AES256_GCM, RsaPadding.OAEP_SHA256, bare));
        }
    }

    @Test
    void aCertificateWhoseKeyUsageForbidsEncryptionIsRefused() {
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> RecipientSet.builder().add(TestPki.standard().user(TestUser.SIGNER_ONLY_RSA).certificate()));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("key usage forbids encryption"), e.getMessage());
    }

    @Test
    void anEmptySetIsRefused() {
        assertEquals(ErrorKind.USAGE, assertThrows(HsmkitException.class, () -> RecipientSet.builder().build()).kind());
    }

    @Test
    void aKeyThatIsNoRecipientListsTheRecipients() throws Exception {
        RecipientSet set = RecipientSet.builder().add(key(TestUser.BOB_P256)).build();
        CMSEnvelopedDataGenerator g = new CMSEnvelopedDataGenerator();
        set.generators(ContentCipher.AES256_CBC, RsaPadding.OAEP_SHA256).forEach(g::addRecipientInfoGenerator);
        CMSEnvelopedData ed = g.generate(new CMSProcessableByteArray(MESSAGE),
                new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).build());
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> TokenRecipient.select(ed.getRecipientInfos(), List.of(key(TestUser.ALICE_RSA2048))));
        assertEquals(ErrorKind.KEY, e.kind());
        assertTrue(e.getMessage().contains("CN=hsmkit Test Intermediate CA"), e.getMessage());
    }

    static byte[] roundTrip(RecipientSet set, ContentCipher cipher, RsaPadding padding, TokenKey me) throws Exception {
        List<RecipientInfoGenerator> gens = set.generators(cipher, padding);
        if (cipher.isAuthenticated()) {
            CMSAuthEnvelopedDataGenerator g = new CMSAuthEnvelopedDataGenerator();
            gens.forEach(g::addRecipientInfoGenerator);
            CMSAuthEnvelopedData ad = g.generate(new CMSProcessableByteArray(MESSAGE),
                    (OutputAEADEncryptor) new JceCMSContentEncryptorBuilder(cipher.oid()).build());
            CMSAuthEnvelopedData parsed = new CMSAuthEnvelopedData(ad.getEncoded());
            TokenRecipient.Selected s = TokenRecipient.select(parsed.getRecipientInfos(), List.of(me));
            return s.information().getContent(s.recipient().recipient(s.information(), true));
        }
        CMSEnvelopedDataGenerator g = new CMSEnvelopedDataGenerator();
        gens.forEach(g::addRecipientInfoGenerator);
        CMSEnvelopedData ed = g.generate(new CMSProcessableByteArray(MESSAGE),
                new JceCMSContentEncryptorBuilder(cipher.oid()).build());
        CMSEnvelopedData parsed = new CMSEnvelopedData(ed.getEncoded());
        TokenRecipient.Selected s = TokenRecipient.select(parsed.getRecipientInfos(), List.of(me));
        return s.information().getContent(s.recipient().recipient(s.information(), false));
    }
}
