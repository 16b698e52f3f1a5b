package org.hsmkit.core.internal.openpgp;

import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPSignatureList;

/**
 * Told the signature packets and the literal data of a message in the order they are read, so
 * that its signatures can be checked while the data streams by (once, in constant memory).
 */
public interface InlineSignatureHooks {
    /** One-pass signature headers, which come before the data they sign. */
    void onePass(PGPOnePassSignatureList headers);

    /** The literal data packet begins (then its bytes, perhaps none, through {@link #data}). */
    void literal();

    /** A chunk of the literal data. */
    void data(byte[] b, int off, int len);

    /** Signature packets; {@code afterData} false for the old layout that puts them first. */
    void signatures(PGPSignatureList signatures, boolean afterData);
}
