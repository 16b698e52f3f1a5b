package org.hsmkit.cli;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.CmsSigner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit sign}: a CMS signature made with a token key. */
@Command(name = "sign", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sign files (CMS SignedData, detached by default) with a key on the token.",
            "Writes IN.p7s beside each input (or in --output-dir) unless -o is given; several inputs share one login."})
final class SignCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", required = true, description = "the signing key (label or PKCS#11 URI)")
    String key;

    @Option(names = "--attached", description = "put the content inside the signature file")
    boolean attached;

    @Option(names = "--armor", description = "write PEM instead of DER")
    boolean armor;

    @Option(names = "--pss", description = "RSA keys: sign with RSA-PSS instead of PKCS#1 v1.5")
    boolean pss;

    @Mixin
    KeyCertificateOption cert = new KeyCertificateOption();

    @Mixin
    ChainOption chain = new ChainOption();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output)")
    String output;

    @Mixin
    BatchOptions batch = new BatchOptions();

    @Parameters(paramLabel = "IN", arity = "0..*", description = "the file(s) to sign, or '-' for standard input")
    List<String> inputs = new ArrayList<>();

    SignCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        BatchRunner runner = new BatchRunner(session, batch, "signed");
        List<String> all = runner.inputs(inputs);
        runner.checkOutputFirst(all, output, in -> in + ".p7s");
        TokenKey k = cert.key(session, key);
        CmsSigner.Builder b = CmsSigner.with(k).attached(attached).armor(armor);
        if (pss) {
            b.scheme(SignatureScheme.RSA_PSS);
        }
        List<java.security.cert.X509Certificate> certificates = chain.with(session, k);
        b.chain(certificates);
        runner.afterAnyDone(ChainOption.missingIssuerWarning(session, certificates));
        CmsSigner signer = b.build();
        CmsFileArguments files = new CmsFileArguments(session);
        files.inBatch(runner.isBatch(all));
        return runner.run(all, output, f -> {
            String input = f.input();
            String target = f.output("-".equals(input) ? null : input + ".p7s");
            try (InputStream in = files.open(input); AtomicOutput out = files.output(target, input, target, "signature", AtomicOutput.Release.AS_WRITTEN, !armor)) {
                signer.sign(in, out.stream());
                out.commit();
            }
            f.info(String.format(Locale.ROOT, "hsmkit: signed %s with key '%s' into %s (%s)", input, k.label(),
                    CmsFileArguments.describe(target, input, target), attached ? "attached" : "detached"));
            return 0;
        });
    }
}
