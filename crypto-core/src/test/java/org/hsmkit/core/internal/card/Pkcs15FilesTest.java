package org.hsmkit.core.internal.card;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.DERUTF8String;
import org.junit.jupiter.api.Test;

/** The PKCS#15 descriptions on a SmartCard-HSM, byte for byte as OpenSC's module writes them. */
class Pkcs15FilesTest {
    /** C801 as OpenSC 0.23's module wrote it for a CA certificate stored in CA01 (from the simulator). */
    private static final byte[] OPENSC_CA_DESCRIPTION = HexFormat.of().parseHex("303d30190c1368736d6b6974205465737420526f6f7420434103"
            + "02064030160414030db7e93a8df82a10ca2209858a5cc15722bebda108300630040402ca01");

    @Test
    void aCaCertificateDescriptionReadsAndEncodesAsOpenscWritesIt() {
        Pkcs15Files.Certificate d = Pkcs15Files.Certificate.parse(OPENSC_CA_DESCRIPTION);
        assertEquals("hsmkit Test Root CA", d.label());
        assertEquals("030db7e93a8df82a10ca2209858a5cc15722bebd", HexFormat.of().formatHex(d.id()));
        assertFalse(d.authority());
        assertEquals(0xCA01, d.certificateFile());
        assertArrayEquals(OPENSC_CA_DESCRIPTION, d.encode());
    }

    @Test
    void hsmkitMarksTheCertificateAsAnAuthority() {
        Pkcs15Files.Certificate d = new Pkcs15Files.Certificate("Issuing CA", new byte[] {1, 2}, true, 0xCA00);
        Pkcs15Files.Certificate back = Pkcs15Files.Certificate.parse(d.encode());
        assertTrue(back.authority());
        assertEquals("Issuing CA", back.label());
        assertArrayEquals(new byte[] {1, 2}, back.id());
        assertEquals(0xCA00, back.certificateFile());
    }

    @Test
    void aDataObjectWhoseApplicationHasStrayBytesAfterItIsStillRead() throws Exception {
        // OpenSC's module stored the application name followed by the bytes after it in its caller's
        // memory, which are not always UTF-8: a UTF8String is built by hand, as Bouncy Castle checks its own
        byte[] name = "hsmkit-openpgpang/invoke\u00ff\u0001".getBytes(StandardCharsets.ISO_8859_1);
        byte[] application = new byte[name.length + 2];
        application[0] = 0x0C;
        application[1] = (byte) name.length;
        System.arraycopy(name, 0, application, 2, name.length);
        ASN1EncodableVector object = new ASN1EncodableVector();
        object.add(new DERSequence(new DERUTF8String("openpgp-created-0011223344556677")));
        object.add(new DERSequence(ASN1Primitive.fromByteArray(application)));
        object.add(new DERTaggedObject(true, 1, new DERSequence(new DEROctetString(new byte[] {(byte) 0xCF, 0x00}))));

        Pkcs15Files.DataObject d = Pkcs15Files.DataObject.parse(new DERSequence(object).getEncoded("DER"));
        assertEquals("openpgp-created-0011223344556677", d.label());
        assertEquals("hsmkit-openpgpang/invoke\uFFFD\u0001", d.application());
        assertEquals(0xCF00, d.dataFile());
    }
}
