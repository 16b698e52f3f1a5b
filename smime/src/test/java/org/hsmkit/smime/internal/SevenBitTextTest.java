package org.hsmkit.smime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.ByteArrayDataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Presetting the transfer encoding of a text body changes nothing Jakarta Mail would write: for
 * every text, the saved message has the header saving alone gives it, and the same bytes. The
 * preset applies only to plain 7bit text in an ASCII-compatible charset.
 */
class SevenBitTextTest {
    private static String text(String spec) {
        // spec: a name from the table, so that control characters and long lines stay readable there
        return switch (spec) {
            case "empty" -> "";
            case "one letter" -> "a";
            case "crlf lines" -> "first line\r\nsecond line\r\n";
            case "bare lf" -> "first\nsecond\n";
            case "bare cr" -> "first\rsecond\r";
            case "tab" -> "a\tb\r\n";
            case "line of 998" -> "x".repeat(998) + "\r\n";
            case "line of 999" -> "x".repeat(999) + "\r\n";
            case "998 then lf then 998" -> "x".repeat(998) + "\n" + "y".repeat(998);
            case "del" -> "a\u007fb";
            case "nul" -> "a\u0000b";
            case "escape" -> "a\u001bb";
            case "e acute" -> "caf\u00e9";
            case "mostly non-ascii" -> "\u00e9\u00e8\u00ea\u00eb\u00e0";
            case "one megabyte" -> ("x".repeat(76) + "\r\n").repeat(13_000);
            default -> throw new IllegalArgumentException(spec);
        };
    }

    @ParameterizedTest(name = "{0} as {1}: preset {2}")
    @CsvSource({
        "empty, us-ascii, true",
        "one letter, us-ascii, true",
        "crlf lines, us-ascii, true",
        "bare lf, us-ascii, true",
        "bare cr, us-ascii, true",
        "tab, us-ascii, true",
        "line of 998, us-ascii, true",
        "line of 999, us-ascii, false",
        "998 then lf then 998, us-ascii, true",
        "del, us-ascii, false",
        "nul, us-ascii, false",
        "escape, us-ascii, false",
        "e acute, utf-8, false",
        "mostly non-ascii, iso-8859-1, false",
        "one megabyte, us-ascii, true",
        "crlf lines, utf-8, true",
        "crlf lines, iso-8859-15, true",
        "crlf lines, utf-16, false",
    })
    void savingGivesTheSameHeaderAndBytesWithOrWithoutThePreset(String spec, String charset, boolean applies)
            throws MessagingException, IOException {
        MimeMessage plain = message(text(spec), charset);
        MimeMessage preset = message(text(spec), charset);

        SevenBitText.preset(preset);
        assertEquals(applies ? "7bit" : null, preset.getHeader("Content-Transfer-Encoding", null));

        plain.saveChanges();
        preset.saveChanges();
        assertEquals(plain.getHeader("Content-Transfer-Encoding", null), preset.getHeader("Content-Transfer-Encoding", null));
        assertArrayEquals(body(plain), body(preset));
    }

    @Test
    void aHeaderAlreadyThereIsKept() throws MessagingException {
        MimeMessage m = message("plain text", "us-ascii");
        m.setHeader("Content-Transfer-Encoding", "quoted-printable");
        SevenBitText.preset(m);
        assertEquals("quoted-printable", m.getHeader("Content-Transfer-Encoding", null));
    }

    @Test
    void aNamedDataSourceAndAPartThatIsNotTextAreLeftToJakartaMail() throws MessagingException, IOException {
        MimeBodyPart attachment = new MimeBodyPart();
        ByteArrayDataSource source = new ByteArrayDataSource("plain text".getBytes(StandardCharsets.US_ASCII), "text/plain");
        source.setName("notes.txt");
        attachment.setDataHandler(new DataHandler(source));
        SevenBitText.preset(attachment);
        assertNull(attachment.getHeader("Content-Transfer-Encoding"));

        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>text</p>", "application/xhtml+xml");
        SevenBitText.preset(html);
        assertNull(html.getHeader("Content-Transfer-Encoding"));
    }

    private static MimeMessage message(String text, String charset) throws MessagingException {
        MimeMessage m = new MimeMessage(MimeParts.session());
        m.setText(text, charset);
        return m;
    }

    private static byte[] body(MimeMessage m) throws MessagingException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out, new String[] {"Message-ID", "Date"});
        return out.toByteArray();
    }
}
