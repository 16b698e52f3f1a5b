package org.hsmkit.smime;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.Provider;
import java.security.Security;

import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * hsmkit never registers Bouncy Castle globally, so an application that has not done so either
 * must still sign, encrypt, decrypt and verify. (The test PKI registers it; this class takes it
 * away for its own duration.)
 */
class SmimeNoGlobalProviderTest {
    static Provider removed;

    @BeforeAll
    static void removeProvider() {
        TestMails.pki();
        removed = Security.getProvider("BC");
        Security.removeProvider("BC");
    }

    @AfterAll
    static void restoreProvider() {
        if (removed != null) {
            Security.addProvider(removed);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ALICE_RSA2048, AES256_GCM", "ALICE_RSA2048, AES256_CBC", "BOB_P256, AES256_GCM", "CAROL_P384, AES256_CBC"})
    void fullRoundTripWithoutAGlobalProvider(TestUser user, ContentCipher cipher) throws Exception {
        assertNull(Security.getProvider("BC"));
        byte[] wire = TestMails.bytes(Smime.signAndEncrypt(TestMails.text(user, user, "no global provider\n"),
                SmimeSigner.builder(TestMails.key(user)).build(), SmimeEncryptor.builder().recipient(TestMails.cert(user)).cipher(cipher).compress(true).build()));
        SmimeReport report = SmimeReader.builder().trustAnchors(TestMails.anchors()).decryptWith(TestMails.key(user)).build()
                .read(TestMails.parse(wire));
        assertTrue(report.verified(), () -> report.problems().toString());
    }
}
