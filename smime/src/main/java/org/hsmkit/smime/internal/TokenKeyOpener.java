package org.hsmkit.smime.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.function.Supplier;

import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.Recipient;
import org.bouncycastle.cms.RecipientInformationStore;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.TokenRecipient;

/** Opens enveloped layers with token keys through the shared CMS recipient code. */
public final class TokenKeyOpener implements EnvelopeOpener {
    private final Supplier<List<TokenRecipient>> keys;

    private TokenKeyOpener(Supplier<List<TokenRecipient>> keys, boolean unused) {
        this.keys = keys;
    }

    /** @param keys asked only when an encrypted layer is met (so a token is opened only when needed) */
    public TokenKeyOpener(Supplier<List<TokenKey>> keys) {
        this(() -> TokenRecipient.usable(keys.get()), true);
    }

    /** Opens with token keys as recipients already identified (for a key whose certificate is not on the token). */
    public static TokenKeyOpener ofRecipients(Supplier<List<TokenRecipient>> recipients) {
        return new TokenKeyOpener(recipients, true);
    }

    @Override
    public InputStream open(RecipientInformationStore recipients, boolean authenticated) {
        TokenRecipient.Selected s = TokenRecipient.selectAmong(recipients, keys.get());
        try {
            Recipient recipient = s.recipient().recipient(s.information(), authenticated);
            return s.information().getContentStream(recipient).getContentStream();
        } catch (CMSException | IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof HsmkitException h) {
                    throw h;
                }
            }
            throw HsmkitException.verification("cannot recover the content key: " + e.getMessage(),
                    "the message was altered, or it was encrypted to another key with the same certificate");
        }
    }
}
