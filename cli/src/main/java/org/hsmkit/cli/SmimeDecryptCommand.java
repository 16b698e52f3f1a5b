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
        description = {"Decrypt messages with a key on the token, keeping an inner signature for 'smime verify'.",
            "One message goes to standard output (or -o); several need --output-dir."})
final class SmimeDecryptCommand implements Callable<Integer> {
    private final CliSession session;



    @Mixin
    SmimeReadOptions options;

    @Mixin
    BatchOptions batch = new BatchOptions();

    SmimeDecryptCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        BatchRunner runner = new BatchRunner(session, batch, "decrypted").outputDirRequired();
        java.util.List<String> all = runner.inputs(options.inputs);
        session.refuseJsonBeside(!runner.isBatch(all) && (options.output == null || options.output.equals("-")) && batch.outputDir == null,
                "message");
        SmimeReader reader;
        if (runner.isBatch(all) && options.cert.file == null) {
            java.util.List<org.hsmkit.core.TokenKey> keys = SmimeFiles.decryptionKeys(session, options.key); // one login, before the first file
            reader = SmimeFiles.decryptingWith(SmimeReader.builder(), options.key, () -> keys).build();
        } else {
            reader = SmimeFiles.reader(session, options.key, options.cert, SmimeReader.builder()).build();
        }
        return runner.run(all, options.output, f -> {
            try (AtomicOutput out = SmimeFiles.output(session, f.output(null), f.input())) {
                SmimeReport report = reader.decrypt(SmimeFiles.readMessage(session, f.input()));
                if (!report.isEncrypted()) {
                    f.warn("the message was not encrypted");
                }
                SmimeFiles.write(report.message(), out);
                out.commit();
                if (session.json()) {
                    f.report(JsonReports.Smime.of(f.input(), report, false));
                }
                report.layers().forEach(l -> f.info("hsmkit: removed part " + l.path() + ": " + l.kind() + " (" + l.algorithm() + ")"));
            }
            return 0;
        });
    }
}
