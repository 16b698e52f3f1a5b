package org.hsmkit.core.internal.cms;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Set;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.hsmkit.core.internal.Providers;

/**
 * AES-GCM content of auth-enveloped data that is in memory already (an S/MIME part), decrypted
 * and checked in one call by the JDK's AES-GCM, which uses the CPU's AES and carry-less multiply
 * instructions; Bouncy Castle's pure-Java GCM was a sixth of the time of reading a 1 MB message.
 *
 * <p>Only the plain case is taken: an AES-GCM content present in the structure, with no
 * authenticated attributes (which would be additional data) and the nonce and tag lengths file
 * decryption accepts ({@link ContentDecryption#gcmParameters}). Everything else goes the general
 * way, through Bouncy Castle.
 */
public final class InMemoryGcm {
    private static final Set<ASN1ObjectIdentifier> GCM = Set.of(NISTObjectIdentifiers.id_aes128_GCM,
            NISTObjectIdentifiers.id_aes192_GCM, NISTObjectIdentifiers.id_aes256_GCM);

    private InMemoryGcm() {
    }

    /** Whether {@link #open} handles this structure. */
    public static boolean covers(AuthEnvelopedData data) {
        EncryptedContentInfo eci = data.getAuthEncryptedContentInfo();
        if (!GCM.contains(eci.getContentEncryptionAlgorithm().getAlgorithm()) || eci.getEncryptedContent() == null
                || data.getAuthAttrs() != null || data.getMac() == null) {
            return false;
        }
        try {
            ContentDecryption.gcmParameters(eci.getContentEncryptionAlgorithm());
            return true;
        } catch (RuntimeException e) {
            return false; // parameters file decryption refuses: mail from other clients is still read the general way
        }
    }

    /**
     * The plaintext, checked. A content that fails its check gives a stream whose first read
     * throws an IOException, as a streaming decryption's last read would: callers treat both alike.
     *
     * @throws IllegalArgumentException for a key the cipher refuses
     */
    public static InputStream open(AuthEnvelopedData data, byte[] contentKey) {
        EncryptedContentInfo eci = data.getAuthEncryptedContentInfo();
        GCMParameters params = ContentDecryption.gcmParameters(eci.getContentEncryptionAlgorithm());
        byte[] ciphertext = eci.getEncryptedContent().getOctets();
        byte[] mac = data.getMac().getOctets();
        try {
            Cipher gcm = Providers.jdkCipher("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(contentKey, "AES"), new GCMParameterSpec(params.getIcvLen() * 8, params.getNonce()));
            // one doFinal over content and tag: after an update() the JDK would collect the content in
            // a growing buffer of its own, which for a 1 MB part ends as a 2 MiB array (a humongous
            // allocation under G1) and is then copied once more
            byte[] sealed = Arrays.copyOf(ciphertext, ciphertext.length + mac.length);
            System.arraycopy(mac, 0, sealed, ciphertext.length, mac.length);
            byte[] plain = new byte[ciphertext.length];
            int n = gcm.doFinal(sealed, 0, sealed.length, plain, 0);
            return new ByteArrayInputStream(plain, 0, n);
        } catch (AEADBadTagException e) {
            return failing("the content's GCM tag does not match");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("AES-GCM refused the content: " + e.getMessage(), e);
        }
    }

    private static InputStream failing(String why) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException(why);
            }
        };
    }
}
