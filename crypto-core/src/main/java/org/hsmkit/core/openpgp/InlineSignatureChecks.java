package org.hsmkit.core.openpgp;

import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.openpgp.InlineSignatureHooks;

/**
 * The signatures of an inline-signed message (one-pass headers, data, signatures), checked as the
 * message is read: by {@link PgpVerifier} for a signed file and by {@link PgpDecryptor} inside an
 * encrypted one. Every signature must verify; a message with none fails {@link #finish}.
 */
final class InlineSignatureChecks implements InlineSignatureHooks {
    private final List<PgpCertificate> keyring;
    private final boolean acceptExpiredSince;
    private final ErrorKind unsigned;
    private final List<SignatureCheck> checks = new ArrayList<>();
    private boolean dataSeen;

    /**
     * @param unsigned the kind of error for a message without signatures: INPUT where a signed
     *        file was the input expected, VERIFICATION_FAILED where a signature was required
     */
    InlineSignatureChecks(List<PgpCertificate> keyring, boolean acceptExpiredSince, ErrorKind unsigned) {
        this.keyring = keyring;
        this.acceptExpiredSince = acceptExpiredSince;
        this.unsigned = unsigned;
    }

    @Override
    public void onePass(PGPOnePassSignatureList headers) {
        if (dataSeen) {
            throw HsmkitException.input("a one-pass signature header follows the data", "the message is malformed");
        }
        // the key is looked up now: an unknown signer fails before any data is read
        headers.forEach(ops -> checks.add(SignatureCheck.start(ops, keyring, acceptExpiredSince)));
    }

    @Override
    public void literal() {
        if (dataSeen) {
            throw HsmkitException.input("the message holds more than one literal data packet", "the message is malformed");
        }
        dataSeen = true;
        if (checks.isEmpty()) {
            throw notSigned();
        }
    }

    @Override
    public void data(byte[] b, int off, int len) {
        for (SignatureCheck c : checks) {
            c.update(b, off, len);
        }
    }

    @Override
    public void signatures(PGPSignatureList signatures, boolean afterData) {
        if (!afterData) {
            throw HsmkitException.input("the signature comes before the data", "this looks like a detached signature: verify it with the "
                    + "data file (hsmkit does not check the old PGP 2 layout that puts signatures first in a message)");
        }
        List<PGPSignature> sigs = new ArrayList<>();
        signatures.forEach(sigs::add);
        SignatureCheck.attach(checks, sigs);
    }

    private HsmkitException notSigned() {
        return new HsmkitException(unsigned, "the message is not signed (no one-pass signature before its data)",
                unsigned == ErrorKind.INPUT ? "give a message made by gpg --sign or hsmkit pgp sign"
                        : "its sender did not sign it; decrypt it without a keyring (--keyring) to accept an unsigned message");
    }

    /** True when every signature started so far is a text signature (type 0x01), which covers no line ends. */
    boolean allText() {
        return !checks.isEmpty() && checks.stream().allMatch(SignatureCheck::isText);
    }

    /** Checks every signature once the whole message was read; VERIFICATION_FAILED if any fails or there is none. */
    List<VerifiedSignature> finish() {
        if (checks.isEmpty()) {
            throw notSigned();
        }
        List<VerifiedSignature> out = new ArrayList<>();
        for (SignatureCheck c : checks) {
            out.add(c.verify());
        }
        return out;
    }
}
