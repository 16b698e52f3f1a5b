package org.hsmkit.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import jakarta.mail.MessagingException;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.smime.Smime;
import org.hsmkit.smime.SmimeReader;
import org.hsmkit.smime.SmimeReport;

/**
 * The S/MIME message walker on hostile mail: nesting, compression, multipart, signed and
 * encrypted layers. Reading (from the bytes, as the CLI reads a message) refuses with INPUT, KEY or
 * VERIFICATION_FAILED only; writing the result out works; and a
 * message reported as verified shows exactly the corpus body.
 */
class SmimeReadFuzzTest {
    private static final FuzzPki PKI = FuzzPki.get();
    private static final SmimeReader READER = SmimeReader.builder().trustAnchors(List.of(PKI.root)).decryptWith(PKI.keys())
            .validationTime(Instant.parse("2030-01-01T00:00:00Z")).build();

    @FuzzTest
    void read(byte[] input) throws Exception {
        SmimeReport report = Contract.call("read", Contract.budget(input.length, 64),
                Contract.inputKinds(ErrorKind.KEY, ErrorKind.VERIFICATION_FAILED), () -> {
                    // as the CLI reads a message: Jakarta Mail's own failures are input errors too
                    SmimeReport r = READER.read(Smime.read(new ByteArrayInputStream(input)));
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
