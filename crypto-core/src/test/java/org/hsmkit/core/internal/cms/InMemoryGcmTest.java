package org.hsmkit.core.internal.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.BEROctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.EncryptedContentInfo;
import org.bouncycastle.asn1.cms.GCMParameters;
import org.bouncycastle.asn1.cms.KEKIdentifier;
import org.bouncycastle.asn1.cms.KEKRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Auth-enveloped AES-GCM content in memory: released only when its tag matches, for contents
 * around the block size; a flipped bit anywhere in content or tag fails the first read.
 */
class InMemoryGcmTest {
    private static final byte[] KEY = new byte[32];
    private static final byte[] NONCE = new byte[12];

    static {
        new Random(1).nextBytes(KEY);
        new Random(2).nextBytes(NONCE);
    }

    private static AuthEnvelopedData envelope(byte[] plain, ASN1Set authAttrs) throws Exception {
        return envelope(plain, authAttrs, NONCE);
    }

    private static AuthEnvelopedData envelope(byte[] plain, ASN1Set authAttrs, byte[] nonce) throws Exception {
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(KEY, "AES"), new GCMParameterSpec(128, nonce));
        byte[] sealed = gcm.doFinal(plain);
        byte[] ct = Arrays.copyOf(sealed, plain.length);
        byte[] tag = Arrays.copyOfRange(sealed, plain.length, sealed.length);
        EncryptedContentInfo eci = new EncryptedContentInfo(CMSObjectIdentifiers.data,
                new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes256_GCM, new GCMParameters(nonce, 16)), new BEROctetString(ct));
        RecipientInfo kek = new RecipientInfo(new KEKRecipientInfo(new KEKIdentifier(new byte[] {1}, null, null),
                new AlgorithmIdentifier(NISTObjectIdentifiers.id_aes256_wrap), new DEROctetString(new byte[40])));
        return new AuthEnvelopedData(null, new DERSet(kek), eci, authAttrs, new DEROctetString(tag), null);
    }

    private static AuthEnvelopedData flipped(AuthEnvelopedData d, boolean inTag, int at) {
        EncryptedContentInfo eci = d.getAuthEncryptedContentInfo();
        byte[] ct = eci.getEncryptedContent().getOctets().clone(); // the structure's own arrays, not copies
        byte[] tag = d.getMac().getOctets().clone();
        (inTag ? tag : ct)[at] ^= 1;
        return new AuthEnvelopedData(null, d.getRecipientInfos(), new EncryptedContentInfo(eci.getContentType(),
                eci.getContentEncryptionAlgorithm(), new BEROctetString(ct)), null, new DEROctetString(tag), null);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 15, 16, 17, 65536})
    void theContentIsReleasedOnlyWithAMatchingTag(int size) throws Exception {
        byte[] plain = new byte[size];
        new Random(size).nextBytes(plain);
        AuthEnvelopedData d = envelope(plain, null);
        assertTrue(InMemoryGcm.covers(d));
        try (InputStream in = InMemoryGcm.open(d, KEY)) {
            assertArrayEquals(plain, in.readAllBytes());
        }
        for (int at : size == 0 ? new int[0] : new int[] {0, size - 1}) {
            InputStream bad = InMemoryGcm.open(flipped(d, false, at), KEY);
            assertThrows(IOException.class, bad::read, "content byte " + at);
        }
        for (int at : new int[] {0, 15}) {
            InputStream bad = InMemoryGcm.open(flipped(d, true, at), KEY);
            assertThrows(IOException.class, bad::read, "tag byte " + at);
        }
        byte[] otherKey = KEY.clone();
        otherKey[0] ^= 1;
        assertThrows(IOException.class, InMemoryGcm.open(d, otherKey)::read, "another key");
    }

    @Test
    void contentWithAuthenticatedAttributesGoesTheGeneralWay() throws Exception {
        ASN1Set attrs = new DERSet(new Attribute(CMSObjectIdentifiers.data, new DERSet(new DEROctetString(new byte[1]))));
        assertFalse(InMemoryGcm.covers(envelope(new byte[1], attrs)));
    }

    @Test
    void aNonceFileDecryptionRefusesGoesTheGeneralWay() throws Exception {
        assertFalse(InMemoryGcm.covers(envelope(new byte[1], null, new byte[16])), "16-byte nonce");
        assertTrue(InMemoryGcm.covers(envelope(new byte[1], null, NONCE)), "12-byte nonce");
    }
}
