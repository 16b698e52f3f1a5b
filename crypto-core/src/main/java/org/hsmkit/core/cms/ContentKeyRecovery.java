package org.hsmkit.core.cms;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.cms.ImplicitRejection;
import org.hsmkit.core.internal.cms.RecipientEntries;

/**
 * Picks the recipient entry a token key opens and recovers the content key on the token.
 *
 * <p>A key the file names (issuer and serial, or key identifier) costs one private-key operation.
 * A key named explicitly by the caller that the file does not name (no certificate on the token)
 * is tried on every entry whose algorithm and size fit it, one operation per entry; when none
 * opens, a random key takes the place of the content key, so the failure surfaces as the content
 * check's failure and no error tells a padding failure from a wrong key (as openssl does without
 * {@code -recip}).
 */
final class ContentKeyRecovery {
    private ContentKeyRecovery() {
    }

    /** The entry used, the key that opened it, the content key; {@code tried}: found by trying, not by name. */
    record Opened(RecipientEntries.Entry entry, TokenRecipient recipient, byte[] contentKey, boolean tried, int candidates) {
    }

    static Opened open(List<RecipientEntries.Entry> entries, List<TokenRecipient> keys, boolean tryUnnamed, int keyBytes) {
        for (RecipientEntries.Entry e : entries) {
            for (TokenRecipient r : keys) {
                if (e.matches(r)) {
                    return new Opened(e, r, unwrap(r, e, keyBytes), false, 1);
                }
            }
        }
        if (tryUnnamed && keys.size() == 1) {
            TokenRecipient r = keys.get(0);
            List<RecipientEntries.Entry> fitting = entries.stream().filter(r::fits).toList();
            if (!fitting.isEmpty()) {
                for (RecipientEntries.Entry e : fitting) {
                    byte[] k = e.isKeyAgreement()
                            ? r.tryKeyAgreement(e.keyEncryptionAlgorithm(), e.originator(), e.userKeyingMaterial(), e.encryptedKey())
                            : r.tryKeyTransport(e.keyEncryptionAlgorithm(), e.encryptedKey());
                    if (k != null && (keyBytes == 0 || k.length == keyBytes)) {
                        return new Opened(e, r, k, true, fitting.size());
                    }
                    if (k != null) {
                        Arrays.fill(k, (byte) 0);
                    }
                }
                return new Opened(fitting.get(0), r, ImplicitRejection.keyOrRandom(null, keyBytes), true, fitting.size());
            }
        }
        List<String> recipients = entries.stream()
                .map(e -> e.identified() ? e.identifier() + " (" + e.keyType() + ")" : e.kind()).toList();
        if (entries.stream().noneMatch(e -> e.isKeyTransport() || e.isKeyAgreement())) {
            // a password (PWRI) or pre-shared key (KEKRI) file: no token key can ever open it
            throw HsmkitException.key("no recipient of this file is a public key; its recipients are: " + String.join("; ", recipients),
                    "hsmkit decrypts with token keys only; open it with the password or key it was made for "
                            + "(openssl cms -decrypt -pwri_password, or -secretkey)");
        }
        if (keys.isEmpty()) {
            throw HsmkitException.key("the token holds no private key, and this file is for: " + String.join("; ", recipients),
                    "check that this is the token you meant (-t, or HSMKIT_TOKEN; the soft token is found under $XDG_DATA_HOME,"
                            + " else $HOME/.local/share, so sudo or another HOME means another token)");
        }
        throw HsmkitException.key("no available key is a recipient of this file; its recipients are: "
                + String.join("; ", recipients),
                "use the token (or --key) that holds one of these keys; for a key without a certificate on the token, "
                        + "name it with --key (and its certificate with --cert)");
    }

    static byte[] unwrap(TokenRecipient r, RecipientEntries.Entry e, int keyBytes) {
        return e.isKeyAgreement()
                ? r.unwrapKeyAgreement(e.keyEncryptionAlgorithm(), e.originator(), e.userKeyingMaterial(), e.encryptedKey(), keyBytes)
                : r.unwrapKeyTransport(e.keyEncryptionAlgorithm(), e.encryptedKey(), keyBytes);
    }

    /**
     * The content of a file opened by trying, read through: when its check fails at the end (an
     * IOException from the content stream), the read throws {@link #notOpened} instead.
     */
    static InputStream checkedContent(Opened o, InputStream content) {
        return new FilterInputStream(content) {
            @Override
            public int read() {
                try {
                    return super.read();
                } catch (IOException e) {
                    throw notOpened(o, failedCheck(e));
                }
            }

            @Override
            public int read(byte[] b, int off, int len) {
                try {
                    return super.read(b, off, len);
                } catch (IOException e) {
                    throw notOpened(o, failedCheck(e));
                }
            }
        };
    }

    private static HsmkitException failedCheck(IOException e) {
        return HsmkitException.verification("the content failed its check: " + e.getMessage(), "the file was altered");
    }

    /**
     * The one error for a key that was tried on entries and did not open the content: the same
     * whether no entry unwrapped or the content failed its check.
     */
    static HsmkitException notOpened(Opened o, HsmkitException cause) {
        return new HsmkitException(cause.kind(), "key '" + o.recipient().key().label() + "' did not decrypt this file: the file does not"
                + " name it, and none of the " + o.candidates() + " recipient entr" + (o.candidates() == 1 ? "y" : "ies")
                + " of its type opened with it, or the file was altered",
                "name the key the file was encrypted for; give its certificate with --cert so it is found by name", cause);
    }
}
