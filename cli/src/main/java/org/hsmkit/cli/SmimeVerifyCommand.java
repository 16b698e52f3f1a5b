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
        description = {"Verify signed (possibly encrypted) messages against trust anchors; exit 1 when one does not verify.",
            "With -o (one message) or --output-dir the content is written only when it verified."})
final class SmimeVerifyCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    TrustOptions trust;

    @Option(names = "--require-revocation",
            description = "a signature whose signer's path the CRLs do not cover is not valid (default: valid, revocation 'not checked')")
    boolean requireRevocation;

    @Option(names = "--crl", paramLabel = "CRLFILE",
            description = "a current CRL (DER or PEM) of the signer's CA to check revocation against, beside any in the message; repeatable")
    List<String> crls = new ArrayList<>();

    @Mixin
    SmimeReadOptions options;

    @Mixin
    BatchOptions batch = new BatchOptions();

    private SmimeReader reader;

    SmimeVerifyCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        SmimeReader.Builder b = SmimeReader.builder().trustAnchors(trust.anchors(session)).intermediates(trust.intermediates(session))
                .crls(CrlFiles.read(session, crls));
        if (requireRevocation) {
            b.requireRevocation();
        }
        reader = (options.cert.file == null ? SmimeFiles.decryptingWith(b, options.key, new OnceKeys(session, options.key))
                : SmimeFiles.reader(session, options.key, options.cert, b)).build();
        BatchRunner runner = new BatchRunner(session, batch, "verified");
        return runner.run(runner.inputs(options.inputs), options.output, this::verify);
    }

    /**
     * The decryption keys, listed (and the token logged in) once, by the first message that needs
     * them; a failed login is not repeated for the next message (it would spend another PIN try).
     */
    private static final class OnceKeys implements java.util.function.Supplier<List<org.hsmkit.core.TokenKey>> {
        private final CliSession session;
        private final String key;
        private List<org.hsmkit.core.TokenKey> keys;
        private RuntimeException failure;

        OnceKeys(CliSession session, String key) {
            this.session = session;
            this.key = key;
        }

        @Override
        public synchronized List<org.hsmkit.core.TokenKey> get() {
            if (failure != null) {
                throw failure;
            }
            if (keys == null) {
                try {
                    keys = SmimeFiles.decryptionKeys(session, key);
                } catch (RuntimeException e) {
                    failure = e;
                    throw e;
                }
            }
            return keys;
        }
    }

    private int verify(BatchFile f) {
        String target = f.output(null);
        AtomicOutput out = target == null ? null : SmimeFiles.output(session, target, f.input());
        try {
            SmimeReport report = reader.read(SmimeFiles.readMessage(session, f.input()));
            if (session.json()) {
                f.report(JsonReports.Smime.of(f.input(), report, true));
                if (!report.verified()) {
                    // the report says why; a second document (the error) would break a parser
                    PrintableLines.println(session.context().stderr(), "hsmkit: error: " + f.input() + ": verification failed: "
                            + String.join("; ", report.problems()));
                    return ExitCode.VERIFICATION_FAILED;
                }
            } else if (!session.quiet()) {
                SmimeReportText.print(report, f.out());
            }
            if (!report.verified()) {
                List<String> problems = report.problems();
                throw HsmkitException.verification("verification failed: " + String.join("; ", problems), hint(report));
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

    /** What to do about the first thing that failed: the --trust advice only when the path is what failed. */
    private String hint(SmimeReport report) {
        if (!report.isSigned()) {
            return "the message carries no S/MIME signature: ask the sender to sign it";
        }
        for (org.hsmkit.smime.SignatureReport s : report.signatures()) {
            if (!s.signatureValid()) {
                return "the message or its signature was altered after signing";
            }
            if (!s.pathValid()) {
                return trust.hint();
            }
            if (!s.usageValid()) {
                return "the signer's certificate is not meant for e-mail signatures";
            }
            if (!s.fromMatches()) {
                return "the From address is not an address of the signer's certificate: the sender may not be who it says";
            }
        }
        return "only the signed part can be relied on; ask the sender to sign the whole message";
    }
}
