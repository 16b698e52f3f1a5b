package org.hsmkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;

import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.internal.soft.KeyTypes;
import org.hsmkit.testdata.ExternalTool;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The authorized_keys encoding, checked by OpenSSH itself: {@code ssh-keygen -l} reads the line
 * (size, fingerprint, comment, type) and {@code ssh-keygen -e -m PKCS8} turns it back into the very
 * public key we started from.
 */
class KeyOpenSshLineTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(value = TestUser.class, names = {"ALICE_RSA2048", "ANDY_RSA3072", "AMY_RSA4096", "BOB_P256", "CAROL_P384", "DAVE_P521"})
    void sshKeygenReadsTheLineBackAsTheSameKey(TestUser user) throws Exception {
        ExternalTool.require("ssh-keygen", "openssh-client");
        var pub = TestPki.standard().user(user).publicKey();
        KeyType type = KeyTypes.of(pub);
        String line = KeyOpenSshLine.of(type, pub, "ceremony key " + user.name());
        Path file = tmp.resolve(user.name() + ".pub");
        Files.writeString(file, line + "\n");

        String listed = ExternalTool.run(tmp, "ssh-keygen", "-l", "-E", "sha256", "-f", file.toString())
                .requireSuccess().stdoutText().strip();
        byte[] blob = Base64.getDecoder().decode(line.split(" ")[1]);
        String fingerprint = "SHA256:" + Base64.getEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(blob));
        String expectedType = type.isRsa() ? "(RSA)" : "(ECDSA)";
        assertEquals(type.bits() + " " + fingerprint + " ceremony key " + user.name() + " " + expectedType, listed);

        String pkcs8 = ExternalTool.run(tmp, "ssh-keygen", "-e", "-m", "PKCS8", "-f", file.toString())
                .requireSuccess().stdoutText();
        try (PEMParser p = new PEMParser(new StringReader(pkcs8))) {
            SubjectPublicKeyInfo back = (SubjectPublicKeyInfo) p.readObject();
            assertEquals(SubjectPublicKeyInfo.getInstance(pub.getEncoded()).getPublicKeyData(), back.getPublicKeyData());
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestUser.class, names = {"ERIN_BP256", "FRANK_BP384", "GRACE_BP512"})
    void brainpoolKeysHaveNoSshFormAndSaySo(TestUser user) {
        var pub = TestPki.standard().user(user).publicKey();
        HsmkitException e = assertThrows(HsmkitException.class, () -> KeyOpenSshLine.of(KeyTypes.of(pub), pub, "x"));
        assertTrue(e.getMessage().contains("OpenSSH has no key format for ec:brainpool"), e.getMessage());
        assertTrue(e.hint().orElseThrow().contains("--format pem"));
    }
}
