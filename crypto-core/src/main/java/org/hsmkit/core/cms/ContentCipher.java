package org.hsmkit.core.cms;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/**
 * The content ciphers hsmkit writes. GCM ciphers produce CMS {@code AuthEnvelopedData}
 * (RFC 5083/5084, integrity-protected); CBC ciphers produce {@code EnvelopedData} for older peers
 * and carry no integrity protection. {@link #AES256_GCM} is the default; the CLI offers three.
 * {@link #DES_EDE3_CBC} is for reading old mail only ({@link #isWritable()} false).
 */
public enum ContentCipher {
    AES256_GCM("aes256-gcm", NISTObjectIdentifiers.id_aes256_GCM, 32, true, true),
    AES256_CBC("aes256-cbc", NISTObjectIdentifiers.id_aes256_CBC, 32, false, true),
    AES128_CBC("aes128-cbc", NISTObjectIdentifiers.id_aes128_CBC, 16, false, true),
    /** Read only: other tools may write it; hsmkit's CLI does not offer it. */
    AES128_GCM("aes128-gcm", NISTObjectIdentifiers.id_aes128_GCM, 16, true, false),
    /** Read only. */
    AES192_CBC("aes192-cbc", NISTObjectIdentifiers.id_aes192_CBC, 24, false, false),
    /** Read only. */
    AES192_GCM("aes192-gcm", NISTObjectIdentifiers.id_aes192_GCM, 24, true, false),
    /**
     * Read only, for old mail and archives (the default of many mail clients until about 2015):
     * 3DES, whose 64-bit blocks are deprecated (NIST SP 800-131A). hsmkit never writes it.
     */
    DES_EDE3_CBC("des-ede3-cbc", PKCSObjectIdentifiers.des_EDE3_CBC, 24, false, false);

    private final String spec;
    private final ASN1ObjectIdentifier oid;
    private final int keyBytes;
    private final boolean authenticated;
    private final boolean offered;

    ContentCipher(String spec, ASN1ObjectIdentifier oid, int keyBytes, boolean authenticated, boolean offered) {
        this.spec = spec;
        this.oid = oid;
        this.keyBytes = keyBytes;
        this.authenticated = authenticated;
        this.offered = offered;
    }

    /** The CLI spelling, e.g. {@code aes256-gcm}. */
    public String spec() {
        return spec;
    }

    /** The content-encryption algorithm identifier's OID. */
    public ASN1ObjectIdentifier oid() {
        return oid;
    }

    public int keyBytes() {
        return keyBytes;
    }

    /** False for {@link #DES_EDE3_CBC}, which hsmkit decrypts but never writes. */
    public boolean isWritable() {
        return this != DES_EDE3_CBC;
    }

    /** The JCA name of the block cipher: {@code AES} or {@code DESede}. */
    public String blockCipher() {
        return this == DES_EDE3_CBC ? "DESede" : "AES";
    }

    /** True for GCM: the file carries an authentication tag (AuthEnvelopedData). */
    public boolean isAuthenticated() {
        return authenticated;
    }

    /** The AES key-wrap algorithm sized to this cipher's key, for key-agreement recipients. */
    public ASN1ObjectIdentifier keyWrapOid() {
        switch (keyBytes) {
            case 16:
                return NISTObjectIdentifiers.id_aes128_wrap;
            case 24:
                return NISTObjectIdentifiers.id_aes192_wrap;
            default:
                return NISTObjectIdentifiers.id_aes256_wrap;
        }
    }

    /** The cipher a file names, if hsmkit knows it. */
    public static Optional<ContentCipher> fromOid(ASN1ObjectIdentifier oid) {
        return Arrays.stream(values()).filter(c -> c.oid.equals(oid)).findFirst();
    }

    /** Parses a CLI spelling ({@code aes256-gcm}, {@code aes256-cbc}, {@code aes128-cbc}). */
    public static ContentCipher parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (ContentCipher c : values()) {
            if (c.offered && c.spec.equals(t)) {
                return c;
            }
        }
        throw new HsmkitException(ErrorKind.USAGE, "unknown cipher '" + text + "'",
                "use aes256-gcm (default), aes256-cbc or aes128-cbc");
    }

    @Override
    public String toString() {
        return spec;
    }
}
