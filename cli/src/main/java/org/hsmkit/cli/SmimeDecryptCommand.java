package org.hsmkit.cli;

import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.smime.SmimeReader;
import org.hsmkit.smime.SmimeReport;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Mixin;

/** {@code hsmkit smime decrypt}: removes encryption (and compression); a signature stays for verify. */
@Command(name = "decrypt", mixinStandardHelpOptions = true,
        description = "Decrypt a message with a key on the token; an inner signature is kept so 'smime verify' can check it.")
final class SmimeDecryptCommand implements Callable<Integer> {
    private final CliSession session;



    @Mixin
    SmimeReadOptions options;

    SmimeDecryptCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        try (AtomicOutput out = SmimeFiles.output(session, options.output, options.input)) {
            SmimeReport report = SmimeFiles.reader(session, options.key, options.cert, SmimeReader.builder()).build()
                    .decrypt(SmimeFiles.readMessage(session, options.input));
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
