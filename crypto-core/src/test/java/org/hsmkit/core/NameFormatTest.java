package org.hsmkit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERPrintableString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERT61String;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.DERUniversalString;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One attribute per row: its type, how it is encoded, and how every hsmkit command writes it. */
class NameFormatTest {

    static Stream<Arguments> attributes() {
        return Stream.of(
                row("2.5.4.3", new DERUTF8String("Niklas Andre Matthies"), "CN=Niklas Andre Matthies"),
                row("2.5.4.3", new DERPrintableString("Alice"), "CN=Alice"),
                row("2.5.4.3", new DERBMPString("Jürgen Größe"), "CN=Jürgen Größe"),
                row("2.5.4.3", new DERT61String("Zoe"), "CN=Zoe"),
                row("2.5.4.3", new DERUniversalString(new byte[] {0, 0, 0, 'Z', 0, 1, (byte) 0xf6, 0x00}), "CN=Z\uD83D\uDE00"),
                row("2.5.4.4", new DERUTF8String("Rybár"), "SN=Rybár"),
                row("2.5.4.5", new DERPrintableString("PNODE-1234567890"), "serialNumber=PNODE-1234567890"),
                row("2.5.4.6", new DERPrintableString("DE"), "C=DE"),
                row("2.5.4.7", new DERUTF8String("Köln"), "L=Köln"),
                row("2.5.4.8", new DERUTF8String("NRW"), "ST=NRW"),
                row("2.5.4.9", new DERUTF8String("Hauptstraße 1"), "STREET=Hauptstraße 1"),
                row("2.5.4.10", new DERUTF8String("Example"), "O=Example"),
                row("2.5.4.11", new DERUTF8String("Signing"), "OU=Signing"),
                row("2.5.4.12", new DERPrintableString("Prokurist"), "title=Prokurist"),
                row("2.5.4.15", new DERUTF8String("Private Organization"), "businessCategory=Private Organization"),
                row("2.5.4.16", new DERSequence(new ASN1Encodable[] {new DERUTF8String("Hauptstraße 1"),
                    new DERUTF8String("50667 Köln")}), "postalAddress=Hauptstraße 1 $ 50667 Köln"),
                row("2.5.4.17", new DERUTF8String("50667"), "postalCode=50667"),
                row("2.5.4.42", new DERPrintableString("Niklas Andre"), "givenName=Niklas Andre"),
                row("2.5.4.43", new DERUTF8String("NAM"), "initials=NAM"),
                row("2.5.4.44", new DERUTF8String("Jr."), "generationQualifier=Jr."),
                row("2.5.4.46", new DERPrintableString("q1"), "dnQualifier=q1"),
                row("2.5.4.65", new DERUTF8String("Fuchs"), "pseudonym=Fuchs"),
                row("2.5.4.97", new DERUTF8String("VATDE-123456789"), "organizationIdentifier=VATDE-123456789"),
                row("1.2.840.113549.1.9.1", new DERIA5String("niklas@example.de"), "E=niklas@example.de"),
                row("0.9.2342.19200300.100.1.25", new DERIA5String("example"), "DC=example"),
                row("0.9.2342.19200300.100.1.1", new DERUTF8String("nmatthies"), "UID=nmatthies"),
                row("1.3.6.1.4.1.311.60.2.1.3", new DERPrintableString("DE"), "jurisdictionC=DE"),
                // a type without a short name keeps its OID; a string value is still decoded
                row("1.2.3.4.5", new DERUTF8String("private"), "1.2.3.4.5=private"),
                // a value that is no string stays #-hex, as RFC 4514 writes it
                row("1.2.3.4.6", new ASN1Integer(258), "1.2.3.4.6=#02020102"),
                // RFC 4514 escapes
                row("2.5.4.10", new DERUTF8String("Example, Inc."), "O=Example\\, Inc."),
                row("2.5.4.3", new DERUTF8String("a+b=c;d<e>f\"g\\h"), "CN=a\\+b=c\\;d\\<e\\>f\\\"g\\\\h"),
                row("2.5.4.3", new DERUTF8String("#1 "), "CN=\\#1\\ "),
                row("2.5.4.3", new DERUTF8String(" padded"), "CN=\\ padded"),
                // control characters cannot reach a terminal
                row("2.5.4.3", new DERUTF8String("Bob\u001b[2J\nEvil"), "CN=Bob\\1B[2J\\0AEvil"),
                row("2.5.4.3", new DERUTF8String("abc\u202edef"), "CN=abc\\E2\\80\\AEdef"),
                row("2.5.4.3", new DERUTF8String(""), "CN="));
    }

    private static Arguments row(String oid, ASN1Encodable value, String expected) {
        return Arguments.of(oid, value, expected);
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("attributes")
    void eachAttributeTypeAndEncodingIsWrittenReadably(String oid, ASN1Encodable value, String expected) throws Exception {
        X500Name name = new X500Name(new RDN[] {new RDN(new ASN1ObjectIdentifier(oid), value)});
        assertEquals(expected, NameFormat.format(name.getEncoded()));
    }

    @Test
    void attributesKeepTheCertificatesOrderAndMultiValuedRdnsJoinWithPlus() throws Exception {
        X500Name name = new X500Name(new RDN[] {
            new RDN(new ASN1ObjectIdentifier("2.5.4.6"), new DERPrintableString("DE")),
            new RDN(new AttributeTypeAndValue[] {
                new AttributeTypeAndValue(new ASN1ObjectIdentifier("2.5.4.3"), new DERUTF8String("Niklas Andre Matthies")),
                new AttributeTypeAndValue(new ASN1ObjectIdentifier("2.5.4.5"), new DERPrintableString("PNODE-42"))}),
            new RDN(new ASN1ObjectIdentifier("1.2.840.113549.1.9.1"), new DERIA5String("n@example.de"))});
        String text = NameFormat.format(name.getEncoded());
        assertTrue(text.equals("C=DE,CN=Niklas Andre Matthies+serialNumber=PNODE-42,E=n@example.de")
                || text.equals("C=DE,serialNumber=PNODE-42+CN=Niklas Andre Matthies,E=n@example.de"), text);
        assertEquals("Niklas Andre Matthies", NameFormat.commonName(new X500Principal(name.getEncoded())));
    }

    @Test
    void aNameWithoutCommonNameIsWrittenWhole() throws Exception {
        X500Name name = new X500Name(new RDN[] {new RDN(new ASN1ObjectIdentifier("2.5.4.10"), new DERUTF8String("Example"))});
        assertEquals("O=Example", NameFormat.commonName(new X500Principal(name.getEncoded())));
        assertEquals("", NameFormat.format(new X500Name(new RDN[0]).getEncoded()));
    }

    /** Names of real signers, CAs and a TSA, kept as data in testdata. */
    @Test
    void namesFromRealCertificates() throws Exception {
        List<String[]> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                NameFormatTest.class.getResourceAsStream("/names/real-world-names.tsv"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    rows.add(line.split("\t"));
                }
            }
        }
        assertEquals(5, rows.size());
        for (String[] r : rows) {
            byte[] der = HexFormat.of().parseHex(r[1]);
            assertEquals(r[2], NameFormat.format(der), r[0]);
            assertEquals(r[2], NameFormat.format(new X500Principal(der)), r[0]);
        }
    }
}
