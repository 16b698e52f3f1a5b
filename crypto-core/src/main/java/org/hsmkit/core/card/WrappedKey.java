package org.hsmkit.core.card;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.card.Pkcs15Files;
import org.hsmkit.core.internal.card.Tlv;

/**
 * A key backup in the file format of {@code sc-hsm-tool --wrap-key}: a SEQUENCE of the key as the
 * device wrapped it under its DKEK (an OCTET STRING), then optionally the key's PKCS#15
 * description and the contents of its certificate file (an X.509 certificate, or the CV request
 * the device made when it generated the key). Backups made by either tool restore with the other.
 *
 * <p>The wrapped key starts with the key check value of the DKEK it was made under, so a backup
 * for another DKEK is recognised before anything is sent to a device.
 */
public final class WrappedKey {
    private final byte[] keyBlob;
    private final byte[] description;
    private final byte[] certificateFile;

    private WrappedKey(byte[] keyBlob, byte[] description, byte[] certificateFile) {
        this.keyBlob = keyBlob;
        this.description = description;
        this.certificateFile = certificateFile;
    }

    /** A backup from its parts (the description and certificate file may be null). */
    public static WrappedKey of(byte[] keyBlob, byte[] description, byte[] certificateFile) {
        if (keyBlob.length < 9) {
            throw new IllegalArgumentException("a wrapped key of " + keyBlob.length + " bytes");
        }
        return new WrappedKey(keyBlob.clone(), description == null ? null : description.clone(),
                certificateFile == null ? null : certificateFile.clone());
    }

    /**
     * Reads a backup file.
     *
     * @throws HsmkitException INPUT when it is not one
     */
    public static WrappedKey parse(byte[] file) {
        try {
            Tlv outer = Tlv.parse(file);
            if (outer.tag() != 0x30) {
                throw new IllegalArgumentException("it does not start with a SEQUENCE");
            }
            if (Tlv.encodedLength(file, 0) != file.length) {
                throw new IllegalArgumentException("there are " + (file.length - Tlv.encodedLength(file, 0))
                        + " bytes after the SEQUENCE");
            }
            byte[] inner = outer.value();
            Tlv blob = Tlv.parse(inner, 0);
            if (blob.tag() != 0x04) {
                throw new IllegalArgumentException("the first element is not the wrapped key (OCTET STRING)");
            }
            int at = Tlv.encodedLength(inner, 0);
            byte[] prkd = null;
            byte[] cert = null;
            if (at < inner.length) {
                int n = Tlv.encodedLength(inner, at);
                prkd = Arrays.copyOfRange(inner, at, at + n);
                at += n;
            }
            if (at < inner.length) {
                int n = Tlv.encodedLength(inner, at);
                cert = Arrays.copyOfRange(inner, at, at + n);
                at += n;
            }
            if (at != inner.length) {
                throw new IllegalArgumentException("unexpected data after the certificate");
            }
            return of(blob.value(), prkd, cert);
        } catch (IllegalArgumentException e) {
            throw HsmkitException.input("not a SmartCard-HSM key backup: " + e.getMessage(),
                    "use a file made by 'hsmkit key backup' or 'sc-hsm-tool --wrap-key'", e);
        }
    }

    /** The file, as sc-hsm-tool writes it. */
    public byte[] encode() {
        byte[] key = Tlv.encode(0x04, keyBlob);
        byte[] d = description == null ? new byte[0] : description;
        byte[] c = certificateFile == null ? new byte[0] : certificateFile;
        return Tlv.encode(0x30, key, d, c);
    }

    /** The wrapped key as the device made it. */
    public byte[] keyBlob() {
        return keyBlob.clone();
    }

    /** The key check value of the DKEK the key was wrapped under (its first 8 bytes). */
    public byte[] keyCheckValue() {
        return Arrays.copyOf(keyBlob, 8);
    }

    public String keyCheckValueHex() {
        return HexFormat.of().withUpperCase().formatHex(keyCheckValue());
    }

    /** The key's PKCS#15 description, if the backup has one. */
    public Optional<byte[]> description() {
        return Optional.ofNullable(description).map(byte[]::clone);
    }

    /** The contents of the key's certificate file (X.509 certificate or CV request), if any. */
    public Optional<byte[]> certificateFile() {
        return Optional.ofNullable(certificateFile).map(byte[]::clone);
    }

    /** The key's label from its description, or empty. */
    public String label() {
        try {
            return description == null ? "" : Pkcs15Files.PrivateKey.parse(description, 0).label();
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /** The key's CKA_ID from its description, or empty. */
    public byte[] id() {
        try {
            return description == null ? new byte[0] : Pkcs15Files.PrivateKey.parse(description, 0).id();
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    /** The X.509 certificate in the backup, when its certificate file holds one. */
    public Optional<X509Certificate> certificate() {
        if (certificateFile == null || certificateFile.length == 0 || certificateFile[0] != 0x30) {
            return Optional.empty();
        }
        try {
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certificateFile)));
        } catch (CertificateException e) {
            return Optional.empty();
        }
    }
}
