package org.hsmkit.smime.internal;

import java.io.InputStream;

import org.bouncycastle.cms.RecipientInformationStore;

/** Finds a recipient entry that one of the reader's keys can open and returns the plaintext stream. */
public interface EnvelopeOpener {

    /**
     * @param authenticated true for AuthEnvelopedData: the stream checks the tag at its end
     * @throws org.hsmkit.core.HsmkitException KEY when no key fits any recipient
     */
    InputStream open(RecipientInformationStore recipients, boolean authenticated);
}
