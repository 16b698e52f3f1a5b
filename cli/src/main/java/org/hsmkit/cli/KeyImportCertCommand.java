package org.hsmkit.cli;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.NameFormat;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.soft.IssuerChain;
import org.hsmkit.core.internal.soft.KeyIds;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsmkit key import-cert}: stores the issued certificate with its key (same CKA_ID and
 * label), after checking that the certificate's public key is the key's.
 */
@Command(name = "import-cert", mixinStandardHelpOptions = true,
        description = {"Store a certificate (PEM or DER) on the token with its key, after checking that the certificate is for that key.",
            "Without --key, the key is the one on the token whose public key the certificate holds (of a chain: the end entity's).",
            "When the file holds several certificates (a chain), the one for the key is stored."})
final class KeyImportCertCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", paramLabel = "KEY", description = {KeyCommand.KEY_HELP_1, KeyCommand.KEY_HELP_2, KeyCommand.KEY_HELP_3,
        "(default: the key the certificate is for)"})
    String key;

    @Parameters(index = "0", paramLabel = "CERTFILE",
            description = "the certificate, PEM or DER (also in a PKCS#7 bundle or beside its key); '-' for standard input,"
                    + " e.g. from hsmkit ca issue")
    String certFile;

    KeyImportCertCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        String name = "-".equals(certFile) ? "standard input" : certFile;
        List<X509Certificate> certs = session.certificates(certFile);
        TokenKey k = key != null ? session.tokenFor(key).key(key) : keyFor(certs, name);
        if (!k.publicKeyKnown()) {
            session.token().storeCertificate(k, certs.get(0)); // refuses, saying what to do instead
        }
        X509Certificate match = certs.stream().filter(c -> KeyIds.sameKey(c.getPublicKey(), k.publicKey())).findFirst()
                .orElseThrow(() -> HsmkitException.input("the certificate in " + name + " (" + subject(certs.get(0))
                        + (certs.size() > 1 ? " and " + (certs.size() - 1) + " more" : "") + ") is not for the "
                        + KeyCommand.describe(k) + ": the public keys differ",
                        "import the certificate issued for this key's CSR; 'hsmkit key list' shows each key's certificate"));
        // the CAs above the key's certificate go beside it, so that signatures carry them without --chain
        List<X509Certificate> chain = IssuerChain.build(match, certs);
        TokenKey stored = session.token().storeCertificate(k, match, chain.subList(1, chain.size()));
        List<X509Certificate> carried = stored.certificateChain().stream().filter(c -> !c.equals(match)).toList();
        session.info("hsmkit: stored the certificate " + subject(match) + " with " + KeyCommand.describe(stored)
                + (carried.isEmpty() ? "" : "; signatures carry its CA certificate" + (carried.size() == 1 ? " " : "s ")
                + String.join(", ", carried.stream().map(KeyImportCertCommand::subject).toList()) + ", kept on the token too"));
        long others = certs.stream().filter(c -> !c.equals(match) && !carried.contains(c)).count();
        if (others > 0) {
            // what the token did not take (or what is not above the key's certificate): a verifier may need it
            session.info("hsmkit: note: the " + (others == 1 ? "other certificate" : others + " other certificates") + " in " + name
                    + " stay" + (others == 1 ? "s" : "") + " off the token; signatures carry " + (others == 1 ? "it" : "them")
                    + " when given with --chain " + ("-".equals(certFile) ? "FILE" : certFile));
        }
        return ExitCode.OK;
    }

    /**
     * The token's one key whose public key is in one of the certificates of {@code certs} that
     * issued none of the others: from a chain, the end entity's key, not that of a CA in it.
     */
    private TokenKey keyFor(List<X509Certificate> certs, String name) {
        List<X509Certificate> leaves = org.hsmkit.core.cms.CertificateFile.endEntities(certs);
        List<TokenKey> keys = session.token().keys();
        List<TokenKey> matching = keys.stream().filter(TokenKey::publicKeyKnown)
                .filter(k -> leaves.stream().anyMatch(c -> KeyIds.sameKey(c.getPublicKey(), k.publicKey()))).toList();
        if (matching.size() == 1) {
            return matching.get(0);
        }
        if (matching.isEmpty()) {
            throw HsmkitException.key("no key on token '" + session.token().info().label() + "' is for the certificate in " + name + " ("
                    + subject(certs.get(0)) + (certs.size() > 1 ? " and " + (certs.size() - 1) + " more" : "") + ")",
                    "use the token that made the key of the certificate's request; 'hsmkit key list' shows the keys");
        }
        throw new HsmkitException(org.hsmkit.core.ErrorKind.USAGE, "the certificates in " + name + " are for "
                + matching.size() + " keys on the token: " + String.join(", ", matching.stream().map(TokenKey::label).toList()),
                "name the key with --key");
    }

    /** The subject as every command writes names: in certificate order, as a --subject option takes it. */
    static String subject(X509Certificate c) {
        return NameFormat.format(c.getSubjectX500Principal());
    }
}
