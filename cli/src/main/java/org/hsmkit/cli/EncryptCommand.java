package org.hsmkit.cli;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.cms.CmsEncryptor;
import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.core.cms.RecipientNaming;
import org.hsmkit.core.cms.RecipientSet;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hsmkit encrypt}: CMS encryption for certificate holders and token keys. */
@Command(name = "encrypt", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Encrypt files for one or more recipients (CMS; AES-256-GCM by default).",
            "Writes IN.p7m beside each input (or in --output-dir) unless -o is given; '-' reads standard input /"
                + " writes standard output. Several inputs run in one process, each output complete or absent."})
final class EncryptCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = {"-r", "--recipient"}, paramLabel = "CERTFILE",
            description = "recipient certificate (PEM, DER or PKCS#7 bundle; several certificates allowed, and of a chain the end"
                    + " entity's); repeatable")
    List<String> recipients = new ArrayList<>();

    @Option(names = "--to-key", paramLabel = "KEY", description = "also encrypt to this token key (yourself); repeatable")
    List<String> toKeys = new ArrayList<>();

    @Option(names = "--cipher", paramLabel = "CIPHER", defaultValue = "aes256-gcm",
            description = "aes256-gcm (default), aes256-cbc or aes128-cbc (no integrity; for older peers)")
    String cipher;

    @Option(names = "--rsa-padding", paramLabel = "PADDING", defaultValue = "oaep",
            description = "oaep (RSA-OAEP SHA-256, default) or pkcs1 (PKCS#1 v1.5, for older peers)")
    String rsaPadding;

    @Option(names = "--recipient-id", paramLabel = "ID", defaultValue = "issuer-serial",
            description = "how the file names recipients: issuer-serial (default) or ski (subject key identifier: found by key, "
                    + "also when the recipient's token holds no certificate)")
    String recipientId;

    @Option(names = "--armor", description = "write PEM instead of DER")
    boolean armor;

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output file ('-' for standard output)")
    String output;

    @Mixin
    BatchOptions batch = new BatchOptions();

    @Parameters(paramLabel = "IN", arity = "0..*", description = "the file(s) to encrypt, or '-' for standard input")
    List<String> inputs = new ArrayList<>();

    EncryptCommand(CliSession session) {
        this.session = session;
    }

    static RsaPadding parsePadding(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "oaep":
                return RsaPadding.OAEP_SHA256;
            case "pkcs1":
                return RsaPadding.PKCS1;
            default:
                throw new HsmkitException(ErrorKind.USAGE, "unknown RSA padding '" + text + "'", "use oaep or pkcs1");
        }
    }

    static RecipientNaming parseNaming(String text) {
        switch (text.toLowerCase(Locale.ROOT)) {
            case "issuer-serial":
                return RecipientNaming.ISSUER_AND_SERIAL;
            case "ski":
                return RecipientNaming.SUBJECT_KEY_ID;
            default:
                throw new HsmkitException(ErrorKind.USAGE, "unknown recipient id '" + text + "'", "use issuer-serial or ski");
        }
    }

    @Override
    public Integer call() throws Exception {
        ContentCipher c = ContentCipher.parse(cipher);
        RsaPadding padding = parsePadding(rsaPadding);
        if (recipients.isEmpty() && toKeys.isEmpty()) {
            throw new HsmkitException(ErrorKind.USAGE, "no recipients", "name recipient certificates with -r, or a token key with --to-key");
        }
        RecipientSet.Builder set = RecipientSet.builder().naming(parseNaming(recipientId));
        set.addAll(session.recipients(recipients));
        for (String k : toKeys) {
            set.add(session.token().key(k));
        }
        RecipientSet rs = set.build();
        CmsEncryptor encryptor = CmsEncryptor.to(rs).cipher(c).rsaPadding(padding).armor(armor).build();
        CmsFileArguments files = new CmsFileArguments(session);
        BatchRunner runner = new BatchRunner(session, batch, "encrypted");
        List<String> all = runner.inputs(inputs);
        files.inBatch(runner.isBatch(all));
        return runner.run(all, output, f -> {
            String input = f.input();
            String target = f.output("-".equals(input) ? null : input + ".p7m");
            long start = System.nanoTime();
            long n;
            try (InputStream in = files.open(input); AtomicOutput out = files.output(target, input, target, "output", AtomicOutput.Release.AS_WRITTEN, !armor)) {
                n = encryptor.encrypt(in, out.stream());
                out.commit();
            }
            f.info("hsmkit: encrypted " + n + " bytes for " + rs.size() + " recipient" + (rs.size() == 1 ? "" : "s")
                    + " (" + c.spec() + ") into " + CmsFileArguments.describe(target, input, target) + " in " + ElapsedTime.since(start));
            return 0;
        });
    }
}
