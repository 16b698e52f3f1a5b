package org.hsmkit.core.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.testdata.DocsExample;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java examples of docs/file-encryption.md, compiled and run here on a real token (the software token). */
class FileEncryptionDocsExamplesTest {
    private static final Path SOURCE = Path.of("src/test/java/org/hsmkit/core/cms/FileEncryptionDocsExamplesTest.java");
    private static final Path DOC = Path.of("../docs/file-encryption.md");

    @TempDir
    Path dir;

    @Test
    void theDocsShowTheExamplesAsTheyAreHere() {
        assertNull(DocsExample.quoted(DOC, SOURCE, "encrypt-decrypt"));
        assertNull(DocsExample.quoted(DOC, SOURCE, "rewrap"));
    }

    @Test
    void encryptDecryptAndRewrapRunAsShown() throws Exception {
        TestPki.standard().writeTo(dir);
        byte[] plain = CmsEncryptionRoundTripTest.random(300_000, 9);
        Files.write(dir.resolve("big.tar"), plain);
        TestPki.Credential bob = TestPki.standard().user(TestUser.BOB_P256);
        try (Token token = TokenSpec.parse("soft:" + dir.resolve("t.p12")).open(new TokenOptions(Optional.empty(),
                PinSource.of("docs-example".toCharArray()), false))) {
            TokenKey myTokenKey = token.importKey(bob.privateKey(), bob.chain(), "me", null);
            // docs:encrypt-decrypt
            RecipientSet to = RecipientSet.builder().addAll(CertificateFile.read(dir.resolve("alice-rsa2048.pem"))).add(myTokenKey).build();
            try (InputStream in = Files.newInputStream(dir.resolve("big.tar"));
                    AtomicOutput out = AtomicOutput.toFile(dir.resolve("big.tar.p7m"), false, dir.resolve("big.tar"))) {
                CmsEncryptor.to(to).build().encrypt(in, out.stream());
                out.commit();
            }
            try (InputStream in = Files.newInputStream(dir.resolve("big.tar.p7m"));
                    AtomicOutput out = AtomicOutput.toFile(dir.resolve("big.tar.out"), false)) {
                CmsDecryptor.withKeysOf(token).decrypt(in, out);     // commits only after the tag verified
            }
            // docs:end
            assertArrayEquals(plain, Files.readAllBytes(dir.resolve("big.tar.out")));
            // docs:rewrap
            try (InputStream in = Files.newInputStream(dir.resolve("big.tar.p7m"));
                    AtomicOutput out = AtomicOutput.toFile(dir.resolve("big.tar.rewrapped.p7m"), false)) {
                CmsRewrapper.Rewrap r = CmsRewrapper.withKeysOf(token)
                        .addRecipient(CertificateFile.read(dir.resolve("carol-p384.pem")).get(0))
                        .removeRecipient(CertificateFile.read(dir.resolve("alice-rsa2048.pem")).get(0))
                        .build()
                        .rewrap(in, out);                            // commits only after the content checked out
            }
            // docs:end
            assertTrue(Files.exists(dir.resolve("big.tar.rewrapped.p7m")));
            try (InputStream in = Files.newInputStream(dir.resolve("big.tar.rewrapped.p7m"));
                    AtomicOutput out = AtomicOutput.toFile(dir.resolve("big.tar.out2"), false)) {
                CmsDecryptor.withKey(myTokenKey).decrypt(in, out);
            }
            assertArrayEquals(plain, Files.readAllBytes(dir.resolve("big.tar.out2")));
            assertFalse(Files.exists(dir.resolve("big.tar.out3")));
        }
    }
}
