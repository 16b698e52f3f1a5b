package org.hsmkit.smime.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.SharedInputStream;
import jakarta.mail.util.SharedByteArrayInputStream;

import org.hsmkit.core.HsmkitException;

/**
 * Moves content between messages and body parts without re-encoding it, and turns lazily
 * generated S/MIME parts into fixed bytes.
 */
public final class MimeParts {
    private static final Session SESSION = Session.getInstance(new Properties());

    private MimeParts() {
    }

    /** A mail session without any server settings, for parsing and building messages. */
    public static Session session() {
        return SESSION;
    }

    /**
     * The body of {@code message} as a body part: its Content-* headers and its raw (still
     * transfer-encoded) bytes. A message without Content-Type is text/plain (RFC 2045), and one
     * without Content-Transfer-Encoding is 7bit; both are written out so that nothing downstream
     * guesses and re-encodes the part after it is signed.
     */
    public static MimeBodyPart bodyOf(MimePart message) {
        return body(message, true);
    }

    /** The body of a received message as a part, its bytes exactly as received. */
    public static MimeBodyPart bodyOfVerbatim(MimePart message) {
        return body(message, false);
    }

    private static MimeBodyPart body(MimePart message, boolean canonical) {
        try {
            // writing first gives the bytes of a message built in code as well as of a parsed one
            SevenBitText.preset(message);
            ByteSink whole = new ByteSink(16384);
            message.writeTo(whole);
            MimeBodyPart parsed = new MimeBodyPart(whole.toInputStream());
            InternetHeaders headers = new InternetHeaders();
            for (Enumeration<String> e = parsed.getAllHeaderLines(); e.hasMoreElements();) {
                String line = e.nextElement();
                if (line.toLowerCase(Locale.ROOT).startsWith("content-")) {
                    headers.addHeaderLine(line);
                }
            }
            if (headers.getHeader("Content-Type") == null) {
                headers.setHeader("Content-Type", "text/plain; charset=us-ascii");
            }
            if (headers.getHeader("Content-Transfer-Encoding") == null) {
                headers.setHeader("Content-Transfer-Encoding", "7bit");
            }
            // a view of the written bytes, not a copy: a 1 MB body is not held twice
            InputStream raw = parsed.getRawInputStream();
            String cte = headers.getHeader("Content-Transfer-Encoding", null).trim().toLowerCase(Locale.ROOT);
            if (canonical && !cte.equals("binary")) {
                // the signature covers the canonical form (RFC 8551 section 3.1.1); sending exactly
                // that form means no gateway's line-ending fix can break it
                raw = withCrlf(raw);
            }
            return new BufferedBodyPart(headers, raw);
        } catch (MessagingException | IOException e) {
            throw HsmkitException.input("cannot read the message body: " + e.getMessage(), "check that the input is a MIME message", e);
        }
    }

    /**
     * Whether {@code part} holds fixed bytes (made by {@link #bodyOf} or {@link #materialise}) whose
     * headers {@code saveChanges()} would leave as they are: it has a Content-Type, and a
     * Content-Transfer-Encoding unless it is a multipart (which has none). Such a part is written
     * exactly as it will be sent, canonical where its encoding is not binary.
     */
    public static boolean isFixed(MimeBodyPart part) {
        if (!(part instanceof BufferedBodyPart)) {
            return false;
        }
        try {
            String[] type = part.getHeader("Content-Type");
            return type != null && (part.getHeader("Content-Transfer-Encoding") != null
                    || type[0].trim().regionMatches(true, 0, "multipart/", 0, "multipart/".length()));
        } catch (MessagingException e) {
            return false;
        }
    }

    /**
     * {@code raw} (a {@link SharedInputStream}) with bare LF and bare CR turned into CRLF. Content
     * that has none, the usual case, is returned as a view of the same bytes.
     */
    static InputStream withCrlf(InputStream raw) throws IOException {
        SharedInputStream shared = (SharedInputStream) raw;
        LineEnds scan = new LineEnds(null);
        try (InputStream in = shared.newStream(0, -1)) {
            scan.feed(in);
        }
        if (scan.canonical) {
            return shared.newStream(0, -1);
        }
        ByteSink out = new ByteSink(16384);
        try (InputStream in = shared.newStream(0, -1)) {
            new LineEnds(out).feed(in);
        }
        return out.toInputStream();
    }

    /** Reads bytes once, noting any bare CR or LF, and writes them with CRLF line ends if asked to. */
    private static final class LineEnds {
        private final ByteSink out;
        private boolean pendingCr;
        boolean canonical = true;

        LineEnds(ByteSink out) {
            this.out = out;
        }

        void feed(InputStream in) throws IOException {
            byte[] buf = new byte[16384];
            for (int n; (n = in.read(buf)) != -1;) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        canonical &= pendingCr;
                        pendingCr = false;
                        crlf();
                        continue;
                    }
                    if (pendingCr) {
                        canonical = false; // a CR not followed by LF
                        crlf();
                    }
                    pendingCr = b == '\r';
                    if (!pendingCr && out != null) {
                        out.write(b);
                    }
                }
            }
            if (pendingCr) {
                canonical = false;
                pendingCr = false;
                crlf();
            }
        }

        private void crlf() {
            if (out != null) {
                out.write('\r');
                out.write('\n');
            }
        }
    }

    /**
     * Writes a part once (running whatever signer or encryptor it carries exactly once) and parses
     * the bytes back, so the result is plain data that can be written any number of times.
     */
    public static MimeBodyPart materialise(MimeBodyPart generated) {
        try {
            ByteSink out = new ByteSink(16384);
            generated.writeTo(out);
            return new BufferedBodyPart(out.toInputStream());
        } catch (MessagingException | IOException e) {
            throw wrapGenerationFailure(e);
        }
    }

    /**
     * A new message: the header fields of {@code original} other than Content-* and MIME-Version,
     * then the headers and body of {@code body}.
     */
    public static MimeMessage messageWith(MimeMessage original, MimeBodyPart body) {
        try {
            ByteSink out = new ByteSink(16384);
            for (Enumeration<String> e = original.getAllHeaderLines(); e.hasMoreElements();) {
                String line = e.nextElement();
                String lower = line.toLowerCase(Locale.ROOT);
                if (!lower.startsWith("content-") && !lower.startsWith("mime-version")) {
                    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            out.write("MIME-Version: 1.0\r\n".getBytes(StandardCharsets.US_ASCII));
            body.writeTo(out);
            Session s = original.getSession() != null ? original.getSession() : SESSION;
            return new SealedMimeMessage(s, out.toInputStream());
        } catch (MessagingException | IOException e) {
            throw wrapGenerationFailure(e);
        }
    }

    /** Parses a MIME entity (headers and body) from bytes. */
    static MimeBodyPart parsePart(byte[] bytes) throws MessagingException {
        // a shared stream: the part's content stays a view of these bytes instead of a copy
        return new BufferedBodyPart(new SharedByteArrayInputStream(bytes));
    }

    /**
     * Parses a message from a stream, with the plain session; a stream that is a
     * {@code SharedInputStream} (a file read in place) stays one.
     *
     * @throws HsmkitException INPUT when Jakarta Mail cannot parse the headers
     */
    public static MimeMessage parse(InputStream in) throws IOException {
        try {
            return new MimeMessage(SESSION, in);
        } catch (MessagingException e) {
            if (e.getNextException() instanceof IOException io) {
                throw io;
            }
            throw HsmkitException.input("not a MIME message: " + e.getMessage(), "give an RFC 5322 message (.eml)", e);
        } catch (RuntimeException e) {
            throw malformedOrRethrow(e);
        }
    }

    /**
     * Jakarta Mail throws unchecked exceptions on some malformed input (an
     * IndexOutOfBoundsException when the first header line is a continuation line): those are the
     * input's fault and become INPUT errors; any other unchecked exception is returned as it is.
     */
    public static RuntimeException malformedOrRethrow(RuntimeException e) {
        if (e instanceof HsmkitException) {
            return e;
        }
        for (StackTraceElement frame : e.getStackTrace()) {
            String c = frame.getClassName();
            if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")) {
                continue;
            }
            if (c.startsWith("jakarta.mail.") || c.startsWith("org.eclipse.angus.mail.")) {
                return HsmkitException.input("malformed MIME message: the mail parser cannot read its headers",
                        "check that the input is a complete .eml message", e);
            }
            return e;
        }
        return e;
    }

    /** Writes a part to a stream, mapping failures to hsmkit errors. */
    public static void write(Part part, OutputStream out) {
        try {
            part.writeTo(out);
        } catch (MessagingException e) {
            throw HsmkitException.input("cannot write the message: " + e.getMessage(), null, e);
        } catch (IOException e) {
            throw HsmkitException.io("cannot write the message: " + e.getMessage(), e);
        }
    }

    private static RuntimeException wrapGenerationFailure(Exception e) {
        // a token failure surfaces as the cause of the mail library's exception; keep its kind
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HsmkitException h) {
                return h;
            }
        }
        if (e instanceof IOException io) {
            return HsmkitException.io("cannot build the S/MIME message: " + e.getMessage(), io);
        }
        return HsmkitException.input("cannot build the S/MIME message: " + e.getMessage(), null, e);
    }

    /** Maps a failure in S/MIME generation to an hsmkit error, keeping a token error's kind. */
    public static RuntimeException generationFailure(Exception e) {
        return wrapGenerationFailure(e);
    }
}
