package org.hsmkit.smime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import jakarta.mail.internet.MimeBodyPart;

import org.bouncycastle.mail.smime.SMIMEException;
import org.bouncycastle.mail.smime.SMIMEGenerator;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Only a part of fixed bytes whose headers saveChanges() would not touch skips the generators'
 * header completion, and skipping it leaves the part's bytes as the generators' own path does.
 */
class FixedPartGeneratorsTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Content-Type: text/plain; charset=us-ascii\\r\\nContent-Transfer-Encoding: 7bit\\r\\n\\r\\nhello\\r\\n | true",
        "Content-Type: multipart/signed; boundary=\"b\"\\r\\n\\r\\n--b\\r\\nContent-Type: text/plain\\r\\n\\r\\nx\\r\\n--b--\\r\\n | true",
        "Content-Type: MULTIPART/mixed; boundary=\"b\"\\r\\n\\r\\n--b\\r\\n\\r\\nx\\r\\n--b--\\r\\n | true",
        "Content-Type: text/plain\\r\\n\\r\\nno transfer encoding\\r\\n | false",
        "Content-Transfer-Encoding: 7bit\\r\\n\\r\\nno type\\r\\n | false",
    })
    void aFixedPartHasItsTypeAndEncoding(String entity, boolean fixed) throws Exception {
        byte[] bytes = entity.trim().replace("\\r\\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
        assertEquals(fixed, MimeParts.isFixed(MimeParts.parsePart(bytes)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Content-Type: text/plain; charset=us-ascii\\r\\nContent-Transfer-Encoding: 7bit\\r\\n\\r\\nhello\\r\\n",
        "Content-Type: multipart/signed; boundary=\"b\"\\r\\n\\r\\n--b\\r\\nContent-Type: text/plain\\r\\nContent-Transfer-Encoding: 7bit\\r\\n\\r\\nx\\r\\n--b--\\r\\n",
    })
    void skippingTheHeaderCompletionChangesNoByte(String entity) throws Exception {
        byte[] bytes = entity.trim().replace("\\r\\n", "\r\n").getBytes(StandardCharsets.US_ASCII);
        MimeBodyPart fixed = MimeParts.parsePart(bytes);
        // FixedPartGenerators hands such a part on as it is; Bouncy Castle's completion must leave
        // the same bytes
        MimeBodyPart completed = new StockCompletion().complete(MimeParts.parsePart(bytes));
        assertArrayEquals(bytesOf(fixed), bytesOf(completed));
    }

    /** Bouncy Castle's own header completion, as its generators run it. */
    private static final class StockCompletion extends SMIMEGenerator {
        MimeBodyPart complete(MimeBodyPart part) throws SMIMEException {
            return makeContentBodyPart(part);
        }
    }

    private static byte[] bytesOf(MimeBodyPart p) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.writeTo(out);
        return out.toByteArray();
    }
}
