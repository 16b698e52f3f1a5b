package org.hsmkit.cli;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.cms.CmsDecryptor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit decrypt}: CMS decryption with a token key; nothing is released unverified. */
@Command(name = "decrypt", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Decrypt CMS files (DER or PEM) with a key on the token.",
            "Writes IN without .p7m (or into --output-dir) unless -o is given. An output appears only after"
                + " its whole file decrypted and its authentication tag verified. Several inputs share one login."})
final class DecryptCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", description = "the key to use (default: whichever token key is a recipient)")
    String key;

    @Mixin
    KeyCertificateOption cert = new KeyCertificateOption();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output)")
    String output;

    @Mixin
    BatchOptions batch = new BatchOptions();

    @Parameters(paramLabel = "IN", arity = "0..*", description = "the encrypted file(s), or '-' for standard input")
    List<String> inputs = new ArrayList<>();

    DecryptCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws Exception {
        CmsFileArguments files = new CmsFileArguments(session);
        BatchRunner runner = new BatchRunner(session, batch, "decrypted");
        List<String> all = runner.inputs(inputs);
        files.inBatch(runner.isBatch(all));
        runner.checkOutputFirst(all, output, DecryptCommand::derived);
        CmsDecryptor decryptor = CryptoKeys.decryptor(session, key, cert, runner.isBatch(all));
        return runner.run(all, output, f -> {
            String input = f.input();
            String target = f.output(derived(input));
            long start = System.nanoTime();
            CmsDecryptor.Decryption d;
            try (InputStream in = files.open(input); AtomicOutput out = files.output(target, input, target, "output")) {
                d = decryptor.decrypt(in, out);
            }
            if (!d.authenticated()) {
                f.warn("the content is not authenticated (" + d.cipher().spec() + (d.cipher().isWritable() ? "" : ", a legacy cipher")
                        + "): decryption cannot tell whether it was altered; prefer aes256-gcm");
            }
            f.info("hsmkit: decrypted " + d.plaintextBytes() + " bytes (" + d.cipher().spec() + ") with key '" + KeyCommand.readable(d.keyReference())
                    + "' into " + CmsFileArguments.describe(target, input, target) + " in " + ElapsedTime.since(start));
            return 0;
        });
    }

    /** The output beside an input: its name without .p7m; null when it has no such ending. */
    private static String derived(String input) {
        return input.endsWith(".p7m") && input.length() > 4 ? input.substring(0, input.length() - 4) : null;
    }
}
