package org.hsmkit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.smime.SmimeReader;
import org.hsmkit.smime.SmimeReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsmkit smime verify}: opens every layer (decrypting with a token key when needed),
 * prints the report, and exits 1 unless every signature is valid and trusted and nothing
 * unsigned is displayed beside it. With -o the content is written only when verified.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Verify a signed (possibly encrypted) message against trust anchors; exit 1 when it does not verify.")
final class SmimeVerifyCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--trust", paramLabel = "CAFILE", description = "trusted root certificate(s), PEM or DER; repeat for more")
    List<String> trust = new ArrayList<>();

    @Option(names = "--key", paramLabel = "KEY", description = "decryption key, when the message is also encrypted")
    String key;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "write the verified content (all layers removed) as .eml")
    String output;

    @Parameters(paramLabel = "IN.eml", description = "the message ('-' for standard input)")
    String input;

    SmimeVerifyCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        AtomicOutput out = output == null ? null : SmimeFiles.output(session, output, input);
        try {
            SmimeReader.Builder b = SmimeFiles.reader(session, trust);
            if (key != null) {
                b.decryptWith(SmimeFiles.decryptionKeys(session, key));
            }
            SmimeReport report;
            try {
                report = b.build().read(SmimeFiles.readMessage(session, input));
            } catch (HsmkitException e) {
                // an encrypted message without --key: open the token only now, and try its keys
                if (key != null || e.kind() != ErrorKind.KEY || !e.getMessage().contains("no decryption key")) {
                    throw e;
                }
                report = b.decryptWith(SmimeFiles.decryptionKeys(session, null)).build().read(SmimeFiles.readMessage(session, input));
            }
            if (!session.quiet()) {
                SmimeReportText.print(report, session.context().stdout());
            }
            if (!report.verified()) {
                List<String> problems = report.problems();
                throw HsmkitException.verification("verification failed: " + String.join("; ", problems),
                        trust.isEmpty() ? "give the root certificate you trust with --trust" : null);
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
