package org.hsmkit.cli;

import java.io.InputStream;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.cms.CmsDecryptor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit decrypt}: CMS decryption with a token key; nothing is released unverified. */
@Command(name = "decrypt", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decrypt a CMS file (DER or PEM) with a key on the token.",
            "Writes IN without .p7m unless -o is given. The output appears only after the whole",
            "file decrypted and its authentication tag verified."})
final class DecryptCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", description = "the key to use (default: whichever token key is a recipient)")
    String key;

    @Option(names = "--cert", paramLabel = "CERTFILE", description = "the certificate of --key, when the token holds none for it")
    String cert;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output)")
    String output;

    @Parameters(index = "0", paramLabel = "IN", description = "the encrypted file, or '-' for standard input")
    String input;

    DecryptCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        CmsFileArguments files = new CmsFileArguments(session);
        String derived = input.endsWith(".p7m") && input.length() > 4 ? input.substring(0, input.length() - 4) : null;
        long start = System.nanoTime();
        CmsDecryptor.Decryption d;
        try (InputStream in = files.open(input); AtomicOutput out = files.output(output, input, derived, "output")) {
            CmsDecryptor decryptor = CryptoKeys.decryptor(session, key, cert);
            d = decryptor.decrypt(in, out);
        }
        if (!d.authenticated()) {
            session.warn("the content is not authenticated (" + d.cipher().spec()
                    + "): decryption cannot tell whether it was altered; prefer aes256-gcm");
        }
        session.info(String.format(Locale.ROOT, "hsmkit: decrypted %d bytes (%s) with key '%s' into %s in %.2f s", d.plaintextBytes(),
                d.cipher().spec(), d.keyReference(), CmsFileArguments.describe(output, input, derived), (System.nanoTime() - start) / 1e9));
        return 0;
    }
}
