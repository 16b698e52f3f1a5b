package org.hsmkit.cli;

import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.CmsSigner;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit sign}: a CMS signature made with a token key. */
@Command(name = "sign", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sign a file (CMS SignedData, detached by default) with a key on the token.",
            "Writes IN.p7s unless -o is given."})
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

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output)")
    String output;

    @Parameters(index = "0", paramLabel = "IN", description = "the file to sign, or '-' for standard input")
    String input;

    SignCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        TokenKey k = session.token().key(key);
        CmsSigner.Builder b = CmsSigner.with(k).attached(attached).armor(armor);
        if (pss) {
            b.scheme(SignatureScheme.RSA_PSS);
        }
        CmsSigner signer = b.build();
        CmsFileArguments files = new CmsFileArguments(session);
        String derived = "-".equals(input) ? null : input + ".p7s";
        try (InputStream in = files.open(input); AtomicOutput out = files.output(output, input, derived, "signature")) {
            signer.sign(in, out.stream());
            out.commit();
        }
        session.info(String.format(Locale.ROOT, "hsmkit: signed %s with key '%s' into %s (%s)", input, k.label(),
                CmsFileArguments.describe(output, input, derived), attached ? "attached" : "detached"));
        return 0;
    }
}
