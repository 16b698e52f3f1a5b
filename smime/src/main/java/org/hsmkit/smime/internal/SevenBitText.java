package org.hsmkit.smime.internal;

import java.util.Locale;

import jakarta.activation.DataHandler;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimePartDataSource;

/**
 * The transfer encoding Jakarta Mail gives a text body that was set in code ({@code setText}),
 * found without writing the body through its byte-by-byte check. When a message is saved, Jakarta
 * Mail chooses the encoding by writing the whole body into a counting stream; for a 1 MB text that
 * was about a third of the time hsmkit took to sign and encrypt it. When the text is plainly 7bit —
 * printable ASCII, tab, CR and LF, no line longer than 998 characters — in a charset that writes
 * those characters as single bytes, Jakarta Mail's answer is {@code 7bit}, and this sets that header
 * the way saving would. Every other body is left to Jakarta Mail as it is.
 */
final class SevenBitText {
    /** RFC 5322's limit on a line, without its CRLF; Jakarta Mail encodes longer lines. */
    private static final int MAX_LINE = 998;

    private SevenBitText() {
    }

    /** Sets {@code Content-Transfer-Encoding: 7bit} on {@code part} when saving it would. */
    static void preset(MimePart part) throws MessagingException {
        if (part.getHeader("Content-Transfer-Encoding") != null) {
            return;
        }
        DataHandler dh = part.getDataHandler();
        // a named data source (a file) and a parsed part are encoded from their bytes, not here
        if (dh == null || dh.getName() != null || dh.getDataSource() instanceof MimePartDataSource) {
            return;
        }
        ContentType type;
        try {
            type = new ContentType(dh.getContentType());
        } catch (MessagingException | RuntimeException e) {
            return;
        }
        if (!type.match("text/*") || !asciiCompatible(type.getParameter("charset"))) {
            return;
        }
        Object content;
        try {
            content = dh.getContent();
        } catch (java.io.IOException e) {
            return;
        }
        if (content instanceof String text && isSevenBit(text)) {
            part.setHeader("Content-Transfer-Encoding", "7bit");
        }
    }

    /** Charsets that write printable ASCII, tab, CR and LF as those single bytes. */
    private static boolean asciiCompatible(String charset) {
        if (charset == null) {
            return true; // Jakarta Mail writes such text as us-ascii
        }
        String c = charset.trim().toLowerCase(Locale.ROOT);
        return c.equals("us-ascii") || c.equals("ascii") || c.equals("utf-8") || c.startsWith("iso-8859-");
    }

    static boolean isSevenBit(String text) {
        int line = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n') {
                line = 0;
                continue;
            }
            if ((c < 0x20 && c != '\t') || c >= 0x7f || ++line > MAX_LINE) {
                return false;
            }
        }
        return true;
    }
}
