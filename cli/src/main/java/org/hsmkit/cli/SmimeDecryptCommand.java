package org.hsmkit.cli;

import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.smime.SmimeReader;
import org.hsmkit.smime.SmimeReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit smime decrypt}: removes encryption (and compression); a signature stays for verify. */
@Command(name = "decrypt", mixinStandardHelpOptions = true,
        description = "Decrypt a message with a key on the token; an inner signature is kept so 'smime verify' can check it.")
final class SmimeDecryptCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", description = "the key to use (default: whichever key on the token is a recipient)")
    String key;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output .eml (default: standard output)")
    String output;

    @Parameters(paramLabel = "IN.eml", description = "the message ('-' for standard input)")
    String input;

    SmimeDecryptCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        try (AtomicOutput out = SmimeFiles.output(session, output, input)) {
            SmimeReport report = SmimeReader.builder().decryptWith(SmimeFiles.decryptionKeys(session, key)).build()
                    .decrypt(SmimeFiles.readMessage(session, input));
            if (!report.isEncrypted()) {
                session.warn("the message was not encrypted");
            }
            SmimeFiles.write(report.message(), out);
            out.commit();
            report.layers().forEach(l -> session.info("removed part " + l.path() + ": " + l.kind() + " (" + l.algorithm() + ")"));
        }
        return 0;
    }
}
