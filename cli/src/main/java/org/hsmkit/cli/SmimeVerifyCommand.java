package org.hsmkit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.smime.SmimeReader;
import org.hsmkit.smime.SmimeReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hsmkit smime verify}: opens every layer (decrypting with a token key when needed),
 * prints the report, and exits 1 unless every signature is valid and trusted and nothing
 * unsigned is displayed beside it. With -o the content is written only when verified.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a signed (possibly encrypted) message against trust anchors; exit 1 when it does not verify.")
final class SmimeVerifyCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    TrustOptions trust;

    @Option(names = "--crl", paramLabel = "CRLFILE",
            description = "a current CRL (DER or PEM) of the signer's CA to check revocation against, beside any in the message; repeatable")
    List<String> crls = new ArrayList<>();

    @Mixin
    SmimeReadOptions options;

    SmimeVerifyCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        AtomicOutput out = options.output == null ? null : SmimeFiles.output(session, options.output, options.input);
        try {
            SmimeReport report = SmimeFiles.reader(session, options.key, options.cert,
                    SmimeReader.builder().trustAnchors(trust.anchors(session)).crls(CrlFiles.read(session, crls))).build()
                    .read(SmimeFiles.readMessage(session, options.input));
            if (!session.quiet()) {
                SmimeReportText.print(report, session.context().stdout());
            }
            if (!report.verified()) {
                List<String> problems = report.problems();
                throw HsmkitException.verification("verification failed: " + String.join("; ", problems),
                        trust.hint());
            }
            if (out != null) {
                SmimeFiles.write(report.message(), out);
                out.commit();
            }
            return 0;
        } finally {
            if (out != null) {
                out.close();
            }
        }
    }
}
