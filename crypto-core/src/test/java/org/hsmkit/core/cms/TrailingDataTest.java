package org.hsmkit.core.cms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.internal.soft.SoftKey;
import org.hsmkit.testdata.TestPki;
import org.hsmkit.testdata.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bytes after a complete CMS structure are refused as an input error that names where they start:
 * an intact signature with something appended is not an intact file.
 */
class TrailingDataTest {
    private static final byte[] CONTENT = "the signed words\n".getBytes(StandardCharsets.UTF_8);
    private static final List<java.security.cert.X509Certificate> ROOT = List.of(TestPki.standard().root().certificate());
    private static final SoftKey KEY = RecipientSetTest.key(TestUser.BOB_P256);

    @TempDir
    Path dir;

    private static byte[] signature(boolean attached, boolean armor) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CmsSigner.with(KEY).scheme(SignatureScheme.ECDSA).attached(attached).armor(armor).build()
                .sign(new ByteArrayInputStream(CONTENT), out);
        return out.toByteArray();
    }

    private static byte[] append(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void verify(byte[] sig, boolean attached) {
        CmsVerifier.trusting(ROOT).verify(new ByteArrayInputStream(sig), attached ? null : new ByteArrayInputStream(CONTENT),
                java.io.OutputStream.nullOutputStream());
    }

    @ParameterizedTest(name = "{0} bytes appended")
    @ValueSource(ints = {1, 2, 7, 4096})
    void aDetachedSignatureWithBytesAppendedIsRefusedNamingTheOffset(int extra) {
        byte[] sig = signature(false, false);
        verify(sig, false); // intact: verifies
        byte[] garbage = new byte[extra];
        Arrays.fill(garbage, (byte) 'G');
        HsmkitException e = assertThrows(HsmkitException.class, () -> verify(append(sig, garbage), false));
        assertEquals(ErrorKind.INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("offset " + sig.length), e.getMessage());
    }

    @Test
    void trailingZeroBytesAreRefusedToo() {
        byte[] sig = signature(true, false);
        HsmkitException e = assertThrows(HsmkitException.class, () -> verify(append(sig, new byte[] {0, 0}), true));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("offset " + sig.length), e.getMessage());
    }

    @Test
    void anAttachedSignatureWithASecondStructureAppendedIsRefused() {
        byte[] sig = signature(true, false);
        HsmkitException e = assertThrows(HsmkitException.class, () -> verify(append(sig, sig), true));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("offset " + sig.length), e.getMessage());
    }

    @Test
    void inPemTheDecodedBytesAfterTheStructureAreRefusedButTextAfterTheEndLineIsNot() {
        byte[] der = signature(false, false);
        byte[] pemWithGarbageInside = ("-----BEGIN CMS-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(append(der, "junk".getBytes()))
                + "\n-----END CMS-----\n").getBytes(StandardCharsets.US_ASCII);
        HsmkitException e = assertThrows(HsmkitException.class, () -> verify(pemWithGarbageInside, false));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("offset " + der.length), e.getMessage());

        byte[] pem = signature(false, true);
        verify(append(pem, "comments after the END line are allowed by RFC 7468\n".getBytes()), false);
    }

    @Test
    void inspectRefusesTrailingBytesAfterASignature() {
        byte[] sig = signature(false, false);
        HsmkitException e = assertThrows(HsmkitException.class,
                () -> CmsInspector.inspect(new ByteArrayInputStream(append(sig, new byte[] {0x30, 0x00}))));
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("offset " + sig.length), e.getMessage());
    }

    @Test
    void decryptionRefusesTrailingBytesNamesTheOffsetAndWritesNothing() throws Exception {
        ByteArrayOutputStream enc = new ByteArrayOutputStream();
        CmsEncryptor.to(RecipientSet.builder().add(KEY).build()).build().encrypt(new ByteArrayInputStream(CONTENT), enc);
        byte[] file = append(enc.toByteArray(), "X".getBytes());
        Path target = dir.resolve("out.txt");
        HsmkitException e;
        try (AtomicOutput out = AtomicOutput.toFile(target, false)) {
            e = assertThrows(HsmkitException.class, () -> CmsDecryptor.withKey(KEY).decrypt(new ByteArrayInputStream(file), out));
        }
        assertEquals(ErrorKind.INPUT, e.kind());
        assertTrue(e.getMessage().contains("offset " + enc.size()), e.getMessage());
        assertFalse(Files.exists(target));
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
    }
}
