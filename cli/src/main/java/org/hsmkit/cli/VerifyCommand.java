package org.hsmkit.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.cms.CmsInspector;
import org.hsmkit.core.cms.CmsVerifier;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit verify}: a CMS signature, its signer's path to the trust anchors, and key usage. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Verify a CMS signature: the signature, the signer's key usage, and a certificate path to",
            "a --trust anchor (or, with --trust-system, a root of the platform) valid at the signing time.",
            "Exit code 1 when anything fails or the signer is untrusted."})
final class VerifyCommand implements Callable<Integer> {
    private final CliSession session;

    @Mixin
    TrustOptions trust;

    @Option(names = "--content", paramLabel = "FILE",
            description = "the signed file of a detached signature (default: IN without .p7s, if it exists)")
    String content;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT",
            description = "attached signatures: write the verified content here ('-' for standard output)")
    String output;

    @Parameters(index = "0", paramLabel = "IN", description = "the signature file (.p7s), or '-' for standard input")
    String input;

    VerifyCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        List<X509Certificate> anchors = trust.anchors(session);
        CmsFileArguments files = new CmsFileArguments(session);
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
            signers = CmsVerifier.trusting(anchors).verify(sig, data, sink);
            if (out != null) {
                out.commit();
            }
        }
        for (CmsVerifier.Signer s : signers) {
            session.context().stdout().println("signature OK");
            session.context().stdout().println("  signer:    " + name(s.certificate()));
            session.context().stdout().println("  signed at: " + s.signingTime());
            session.context().stdout().println("  algorithm: " + s.algorithm());
            session.context().stdout().println("  trusted:   via " + name(s.path().get(s.path().size() - 1)));
        }
        session.context().stdout().flush();
        return 0;
    }

    private static String name(X509Certificate c) {
        return NameFormat.format(c.getSubjectX500Principal());
    }

    private static boolean isDetached(CmsFileArguments files, String input) throws java.io.IOException {
        try (InputStream in = files.open(input)) {
            return CmsInspector.inspect(in).detached();
        }
    }
}
