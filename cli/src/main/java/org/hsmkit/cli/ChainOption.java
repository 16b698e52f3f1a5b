package org.hsmkit.cli;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

import org.hsmkit.core.NameFormat;
import org.hsmkit.core.TokenKey;

import picocli.CommandLine.Option;

/**
 * {@code --chain} of the signing commands. A token often holds only the key's own certificate (one
 * imported with {@code key import-cert}), and a verifier that lacks the issuing CA's certificate
 * cannot build a path from a signature that carries none.
 */
final class ChainOption {
    @Option(names = "--chain", paramLabel = "CERTFILE",
            description = "intermediate CA certificates to include when the token holds only the key's own certificate")
    List<String> files = new ArrayList<>();

    /** The chain stored with {@code key}, then the certificates of {@code --chain}. */
    List<X509Certificate> with(CliSession session, TokenKey key) {
        LinkedHashSet<X509Certificate> chain = new LinkedHashSet<>(key.certificateChain());
        chain.addAll(session.certificates(files));
        return new ArrayList<>(chain);
    }

    /**
     * Says that signatures made with {@code chain} carry no certificate of their signer's issuer,
     * when they do not. Given to {@link BatchRunner#afterAnyDone}, so that it is said once a
     * signature exists: a signing that failed (a PIN, a spent key) would bury its error under it.
     */
    static Runnable missingIssuerWarning(CliSession session, List<X509Certificate> chain) {
        if (chain.isEmpty() || !lacksIssuer(chain)) {
            return () -> { };
        }
        String issuer = NameFormat.format(chain.get(0).getIssuerX500Principal());
        return () -> session.warn("the signature carries no certificate of its issuer (" + issuer
                + "), so a verifier that lacks it cannot check the signer: give it with --chain FILE");
    }

    private static boolean lacksIssuer(List<X509Certificate> chain) {
        X509Certificate leaf = chain.get(0);
        if (leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal())) {
            return false;
        }
        return chain.stream().skip(1).noneMatch(c -> c.getSubjectX500Principal().equals(leaf.getIssuerX500Principal()));
    }
}
