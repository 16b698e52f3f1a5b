package org.hsmkit.cli;

import java.io.PrintStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.concurrent.Callable;

import org.hsmkit.core.NameFormat;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.card.DeviceChain;
import org.hsmkit.core.card.KeyAttestation;
import org.hsmkit.core.card.SmartCardHsm;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code hsmkit key info}: everything known about one key, without a login. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = {"Describe one key: label, id, type, reference, public key fingerprint, certificate, the uses left of"
            + " a key with a use counter, and on a SmartCard-HSM whether its attestation is still on the device."})
final class KeyInfoCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = {KeyCommand.KEY_HELP_1, KeyCommand.KEY_HELP_2, KeyCommand.KEY_HELP_3})
    String key;


    KeyInfoCommand(CliSession session) {
        this.session = session;
    }

    /** The JSON form. */
    record Json(String label, String id, String type, String reference, String publicKeySha256, String certificateSubject,
            String certificateIssuer, String notAfter, java.util.List<String> chain, Long usesLeft, Boolean attestation,
            String attestedBy) {
    }

    @Override
    public Integer call() throws NoSuchAlgorithmException {
        Token token = session.tokenFor(key);
        TokenKey k = token.key(key);
        String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(k.publicKey().getEncoded()));
        X509Certificate cert = k.certificate().orElse(null);
        java.util.Optional<KeyAttestation> att = token instanceof SmartCardHsm card ? card.attestation(k) : java.util.Optional.empty();
        Boolean attestation = token instanceof SmartCardHsm ? att.isPresent() : null;
        // a restored key brings the request the device that generated it signed, not this one
        String attestedBy = att.map(a -> DeviceChain.serialOf(a.signer())).orElse(null);
        boolean restored = attestedBy != null && !attestedBy.equals(token.info().serial());
        Long uses = k.usesLeft().isPresent() ? k.usesLeft().getAsLong() : null;
        // the CA certificates kept on the token with it, which its signatures carry
        java.util.List<String> chain = k.certificateChain().stream().skip(1).map(KeyImportCertCommand::subject).toList();
        PrintStream out = session.context().stdout();
        if (session.json()) {
            JsonOutput.print(out, new Json(k.label(), KeyId.hex(k.id()), k.type().spec(), k.reference(), fingerprint,
                    cert == null ? null : KeyImportCertCommand.subject(cert),
                    cert == null ? null : NameFormat.format(cert.getIssuerX500Principal()),
                    cert == null ? null : cert.getNotAfter().toInstant().toString(), cert == null ? null : chain, uses, attestation,
                    attestedBy));
            return ExitCode.OK;
        }
        CardCommand.field(out, "label", k.label());
        CardCommand.field(out, "id", KeyId.hex(k.id()));
        CardCommand.field(out, "type", k.type().spec());
        CardCommand.field(out, "reference", k.reference());
        CardCommand.field(out, "public key", "SHA-256 " + fingerprint);
        CardCommand.field(out, "certificate", cert == null ? "none" : KeyImportCertCommand.subject(cert)
                + " (issued by " + NameFormat.format(cert.getIssuerX500Principal()) + ", until " + cert.getNotAfter().toInstant() + ")");
        if (cert != null) {
            boolean selfIssued = cert.getIssuerX500Principal().equals(cert.getSubjectX500Principal());
            CardCommand.field(out, "chain", !chain.isEmpty() ? String.join("; ", chain) + " (signatures carry "
                    + (chain.size() == 1 ? "it" : "them") + ")" : selfIssued ? "none (self-issued)"
                    : "no CA certificate on the token (import the chain with key import-cert, or give --chain FILE when signing)");
        }
        CardCommand.field(out, "uses left", uses == null ? "unlimited" : Long.toString(uses));
        if (attestation != null) {
            CardCommand.field(out, "attestation", !attestation ? "not on the device (a certificate replaced it)"
                    : restored ? "on the device, restored with the key (the request device " + attestedBy + " made for it)"
                    : "on the device (the request it made for the key)");
        }
        out.flush();
        return ExitCode.OK;
    }
}
