package org.hsmkit.core.internal.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PEM text decoded a block at a time: every length around the 64 KiB block of text (49,152 bytes
 * decoded), line ends as openssl (LF) and Windows (CR LF) write them, and text that is not base64.
 */
class ArmorTest {
    private static final int BLOCK_BYTES = 64 * 1024 / 4 * 3;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static byte[] pem(byte[] der, String lineEnd) {
        String body = Base64.getMimeEncoder(64, lineEnd.getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return ("-----BEGIN CMS-----" + lineEnd + body + lineEnd + "-----END CMS-----" + lineEnd).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] decode(byte[] pem, boolean oneByteAtATime) throws IOException {
        Armor.Opened o = Armor.open(new ByteArrayInputStream(pem));
        assertTrue(o.pem());
        try (InputStream in = o.der()) {
            if (!oneByteAtATime) {
                return in.readAllBytes();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int c = in.read(); c != -1; c = in.read()) {
                out.write(c);
            }
            return out.toByteArray();
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 2, 3, 4, 47, 48, 49, BLOCK_BYTES - 1, BLOCK_BYTES, BLOCK_BYTES + 1, 2 * BLOCK_BYTES + 2, 300_001})
    void everyLengthComesBackWhole(int n) throws IOException {
        byte[] der = bytes(n);
        der[0] = 0x30;
        assertArrayEquals(der, decode(pem(der, "\n"), false));
        assertArrayEquals(der, decode(pem(der, "\r\n"), false));
        if (n < 5000) {
            assertArrayEquals(der, decode(pem(der, "\n"), true));
        }
    }

    /** The END line may follow the text directly, and blanks inside the text are skipped. */
    @Test
    void noLineEndBeforeTheEndLineAndBlanksInTheText() throws IOException {
        byte[] der = bytes(100);
        String b64 = Base64.getEncoder().encodeToString(der);
        String text = "-----BEGIN PKCS7-----\n" + b64.substring(0, 40) + " \t" + b64.substring(40) + "-----END PKCS7-----";
        assertArrayEquals(der, decode(text.getBytes(StandardCharsets.US_ASCII), false));
    }

    @Test
    void textThatIsNotBase64IsAnIoErrorNotBytes() {
        byte[] der = bytes(300);
        String b64 = Base64.getEncoder().encodeToString(der);
        byte[] star = ("-----BEGIN CMS-----\n" + b64.substring(0, 100) + "*" + b64.substring(100) + "\n-----END CMS-----\n")
                .getBytes(StandardCharsets.US_ASCII);
        assertThrows(IOException.class, () -> decode(star, false));
        byte[] oneOver = ("-----BEGIN CMS-----\n" + b64 + "A\n-----END CMS-----\n").getBytes(StandardCharsets.US_ASCII);
        assertThrows(IOException.class, () -> decode(oneOver, false), "a lone sixth of a byte is no byte");
    }
}
