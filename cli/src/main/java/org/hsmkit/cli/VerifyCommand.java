package org.hsmkit.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.cms.CmsInspector;
import org.hsmkit.core.cms.CmsVerifier;
import org.hsmkit.core.internal.io.InputFormat;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit verify}: a CMS signature, its signer's path to the trust anchors, and key usage. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Verify CMS signatures: each signature, its signer's key usage, and a certificate path.",
            "The path must lead to a --trust anchor (or, with --trust-system, a root of the platform) and be valid"
                + " at the signing time; with --crl (or CRLs in the signature) no certificate of it may be revoked."
                + " Exit code 1 when anything fails or a signer is untrusted."})
final class VerifyCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    TrustOptions trust;

    @Option(names = "--crl", paramLabel = "CRLFILE",
            description = "a current CRL (DER or PEM) of the signer's CA to check revocation against, beside any in the signature; repeatable")
    List<String> crls = new ArrayList<>();

    @Option(names = "--require-revocation",
            description = "a signer whose path the CRLs do not cover fails (default: it verifies, and the report says 'not checked')")
    boolean requireRevocation;

    @Option(names = "--content", paramLabel = "FILE",
            description = "the signed file of a detached signature (default: IN without .p7s, if it exists)")
    String content;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "attached signatures: write the verified content here ('-' for standard output)")
    String output;

    @Mixin
    BatchOptions batch = new BatchOptions();

    @Parameters(paramLabel = "IN", arity = "0..*", description = "the signature file(s) (.p7s), or '-' for standard input;"
            + " a detached signature and its data file (in either order, as gpgsm takes them) are one verification")
    List<String> inputs = new ArrayList<>();

    /** Whether this run verifies several signatures (a signature and its data are one). */
    private boolean inBatch;

    VerifyCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        List<X509Certificate> anchors = trust.anchors(session);
        CmsVerifier checking = CmsVerifier.trusting(anchors).withIntermediates(trust.intermediates(session))
                .withCrls(CrlFiles.read(session, crls));
        CmsVerifier verifier = requireRevocation ? checking.requiringRevocation() : checking;
        CmsFileArguments files = new CmsFileArguments(session);
        BatchRunner runner = new BatchRunner(session, batch, "verified");
        List<String> all = runner.inputs(inputs);
        if (content == null && batch.filesFrom == null && all.size() == 2) {
            // gpgsm's (and gpg's) order, SIG DATA, or DATA SIG: one detached signature and its data
            for (int sig = 0; sig < 2 && content == null; sig++) {
                String data = all.get(1 - sig);
                if (isDetachedSignature(files, all.get(sig)) && !isCms(files, data)) {
                    content = data;
                    all = List.of(all.get(sig));
                }
            }
        }
        session.refuseJsonBeside("-".equals(output), "content");
        inBatch = runner.isBatch(all);
        files.inBatch(inBatch);
        if (content != null && runner.isBatch(all)) {
            throw new HsmkitException(ErrorKind.USAGE, "--content names the signed file of one signature, but " + all.size()
                    + " signatures are given", "leave --content out: each FILE.p7s is checked against FILE beside it");
        }
        return runner.run(all, output, f -> verify(f, verifier, files));
    }

    private int verify(BatchFile f, CmsVerifier verifier, CmsFileArguments files) throws java.io.IOException {
        String input = f.input();
        String output = f.outputNamed() ? f.output(input.endsWith(".p7s") ? input.substring(0, input.length() - 4) : null) : null;
        String contentName = content;
        if (contentName == null && input.endsWith(".p7s") && !"-".equals(input)) {
            String guess = input.substring(0, input.length() - 4);
            Path sig = files.inputPath(input);
            if (Files.isRegularFile(session.context().resolve(guess)) && Files.isRegularFile(sig) && isDetached(files, input)) {
                contentName = guess;
            }
        }
        List<CmsVerifier.Signer> signers;
        try (InputStream sig = files.open(input); InputStream data = contentName == null ? null : files.open(contentName);
                AtomicOutput out = output == null ? null : files.output(output, input, null, "content")) {
            OutputStream sink = out == null ? null : out.stream();
            signers = verifier.verify(sig, data, sink);
            if (out != null) {
                out.commit();
            }
        }
        if (session.json()) {
            f.report(JsonReports.Verification.of(input, signers));
            return 0;
        }
        // with the content on standard output, the report goes to standard error
        java.io.PrintStream report = "-".equals(output) ? session.context().stderr() : f.out();
        PrintableLines out = new PrintableLines(report);
        for (CmsVerifier.Signer s : signers) {
            out.println(runnerPrefix(f) + "signature OK");
            out.println("  signer:    " + name(s.certificate()));
            out.println("  signed at: " + s.signingTime());
            out.println("  algorithm: " + s.algorithm());
            out.println("  trusted:   via " + name(s.path().get(s.path().size() - 1)));
            out.println("  revoked:   " + (s.revocationChecked() ? "no (by the CRLs given or carried; nothing fetched)" : "not checked"));
            for (String note : s.revocationNotes()) {
                out.println("  note:      " + note);
            }
        }
        report.flush();
        return 0;
    }

    /** In a batch each report starts with its file's name. */
    private String runnerPrefix(BatchFile f) {
        return inBatch ? f.input() + ": " : "";
    }

    private static String name(X509Certificate c) {
        return NameFormat.format(c.getSubjectX500Principal());
    }

    private static boolean isDetachedSignature(CmsFileArguments files, String input) {
        if ("-".equals(input) || !Files.isRegularFile(files.inputPath(input))) {
            return false;
        }
        try {
            return isDetached(files, input);
        } catch (HsmkitException | java.io.IOException e) {
            return false;
        }
    }

    private static boolean isCms(CmsFileArguments files, String input) {
        if ("-".equals(input) || !Files.isRegularFile(files.inputPath(input))) {
            return true; // not read here: standard input or a pipe can be read once only
        }
        try (InputStream in = new java.io.BufferedInputStream(files.open(input), 128)) {
            return InputFormat.peek(in) == InputFormat.CMS;
        } catch (HsmkitException | java.io.IOException e) {
            return true;
        }
    }

    private static boolean isDetached(CmsFileArguments files, String input) throws java.io.IOException {
        try (InputStream in = files.open(input)) {
            return CmsInspector.inspect(in).detached();
        }
    }
}
