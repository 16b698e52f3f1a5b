package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.smime.SmimeReader;
import org.hsmkit.smime.SmimeReport;

/**
 * The S/MIME message walker on hostile mail: nesting, compression, multipart, signed and
 * encrypted layers. Reading refuses with INPUT, KEY or VERIFICATION_FAILED only (a message
 * Jakarta Mail cannot parse is the CLI's input error too); writing the result out works; and a
 * message reported as verified shows exactly the corpus body.
 */
class SmimeReadFuzzTest {
    private static final FuzzPki PKI = FuzzPki.get();
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final SmimeReader READER = SmimeReader.builder().trustAnchors(List.of(PKI.root)).decryptWith(PKI.keys())
            .validationTime(Instant.parse("2030-01-01T00:00:00Z")).build();

    @FuzzTest
    void read(byte[] input) throws Exception {
        SmimeReport report = Contract.call("read", Contract.budget(input.length, 64),
                Contract.inputKinds(ErrorKind.KEY, ErrorKind.VERIFICATION_FAILED), () -> {
                    MimeMessage m;
                    try {
                        m = new MimeMessage(SESSION, new ByteArrayInputStream(input));
                    } catch (MessagingException e) {
                        return null; // the CLI reports this as an input error before hsmkit reads anything
                    }
                    SmimeReport r = READER.read(m);
                    try {
                        r.message().writeTo(OutputStream.nullOutputStream());
                    } catch (MessagingException | IOException e) {
                        return null; // the CLI's input error when writing the opened message
                    }
                    return r;
                });
        if (report != null && report.verified()) {
            assertEquals(FuzzPki.MAIL_BODY, body(report), "a message was verified with a body the corpus never signed");
        }
    }

    private static String body(SmimeReport report) throws Exception {
        try (var in = report.content().getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }
}
