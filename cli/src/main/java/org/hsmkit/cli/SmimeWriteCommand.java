package org.hsmkit.cli;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jakarta.mail.internet.MimeMessage;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.SignatureScheme;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.ContentCipher;
import org.hsmkit.smime.SignedFormat;
import org.hsmkit.smime.SmimeEncryptor;
import org.hsmkit.smime.SmimeSigner;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What smime sign, encrypt and sign-encrypt share: options, and the order of work — check the
 * arguments and the output, prepare keys and recipients, produce the message, commit.
 */
abstract class SmimeWriteCommand implements Callable<Integer> {
    final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", description = "your key (PKCS#11 URI or label): it signs, and is added as a recipient")
    String key;

    @Mixin
    KeyCertificateOption cert = new KeyCertificateOption();

    @Option(names = {"-o", "--output"}, paramLabel = "OUT", description = "output .eml (default: standard output)")
    String output;

    @Mixin
    BatchOptions batch = new BatchOptions();

    @Parameters(paramLabel = "IN.eml", arity = "0..*", description = "the message(s) ('-' for standard input)")
    List<String> inputs = new ArrayList<>();

    SmimeWriteCommand(CliSession session) {
        this.session = session;
    }

    /** The signing options, or null when the command does not sign. */
    abstract SmimeSignOptions signing();

    /** The encryption options, or null when the command does not encrypt. */
    abstract SmimeEncryptOptions encryption();

    private boolean signs() {
        return signing() != null;
    }

    private boolean encrypts() {
        return encryption() != null;
    }

    @Override
    public Integer call() throws Exception {
        cert.requireKey(key);
        SmimeEncryptOptions enc = encryption();
        ContentCipher contentCipher = null;
        RsaPadding padding = null;
        if (enc != null) {
            if (enc.recipients.isEmpty() && (key == null && !signs() || enc.noSelf)) {
                throw new HsmkitException(ErrorKind.USAGE, "no recipients", "give -r CERTFILE (and --key to include yourself)");
            }
            contentCipher = ContentCipher.parse(enc.cipher);
            padding = switch (enc.rsaPadding.toLowerCase(Locale.ROOT)) {
                case "oaep" -> RsaPadding.OAEP_SHA256;
                case "pkcs1" -> RsaPadding.PKCS1;
                default -> throw new HsmkitException(ErrorKind.USAGE, "unknown RSA padding '" + enc.rsaPadding + "'", "use oaep or pkcs1");
            };
        }
        BatchRunner runner = new BatchRunner(session, batch, signs() && encrypts() ? "signed and encrypted" : signs() ? "signed" : "encrypted")
                .outputDirRequired();
        List<String> all = runner.inputs(inputs);
        runner.checkOutputFirst(all, output, in -> null); // a bad target fails before the PIN is asked
        SmimeEncryptor encryptor = null;
        TokenKey self = null;
        if (encrypts()) {
            SmimeEncryptor.Builder b = SmimeEncryptor.builder().recipients(session.recipients(enc.recipients))
                    .cipher(contentCipher).rsaPadding(padding).compress(enc.compress).includeSender(!enc.noSelf);
            if (key != null || signs()) {
                self = SmimeFiles.signingKey(session, key, cert);
                b.sender(self);
            }
            encryptor = b.build();
        }
        SmimeSigner signer = null;
        if (signs()) {
            TokenKey signingKey = self != null ? self : SmimeFiles.signingKey(session, key, cert);
            SignatureScheme scheme = signing().pss ? SignatureScheme.RSA_PSS : SignatureScheme.defaultFor(signingKey.type());
            SmimeSigner.Builder sb = SmimeSigner.builder(signingKey).scheme(scheme)
                    .format(signing().opaque ? SignedFormat.OPAQUE : SignedFormat.DETACHED);
            List<X509Certificate> certificates = signing().chain.with(session, signingKey);
            sb.chain(certificates);
            runner.afterAnyDone(ChainOption.missingIssuerWarning(session, certificates));
            signer = sb.build();
        }
        SmimeSigner s = signer;
        SmimeEncryptor e = encryptor;
        return runner.run(all, output, f -> {
            String target = f.output(null);
            try (AtomicOutput out = SmimeFiles.output(session, target, f.input())) {
                MimeMessage result = SmimeFiles.readMessageToSend(session, f.input());
                if (s != null && !SmimeFiles.hasFrom(result)) {
                    f.warn("the message has no From header: a verifier cannot match it with the signer's address"
                            + " (and hsmkit smime verify reports that as a problem)");
                }
                if (s != null) {
                    result = s.sign(result);
                }
                if (e != null) {
                    result = e.encrypt(result);
                }
                SmimeFiles.write(result, out);
                out.commit();
            }
            f.info(summary(f.input(), target));
            return 0;
        });
    }

    private String summary(String input, String target) {
        return "hsmkit: " + (signs() && encrypts() ? "signed and encrypted" : signs() ? "signed" : "encrypted") + " "
                + ("-".equals(input) ? "standard input" : input) + " into "
                + (target == null || target.equals("-") ? "standard output" : target);
    }
}
