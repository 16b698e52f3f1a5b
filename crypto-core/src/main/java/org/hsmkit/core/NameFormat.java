package org.hsmkit.core;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1UniversalString;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

/**
 * How hsmkit writes X.500 names (certificate subjects and issuers) for people, in every command:
 * the attributes in the order the certificate holds them (as {@code key csr --subject} takes
 * them), separated by commas, each with the short name RFC 4519, RFC 5280 and ETSI EN 319 412-1
 * give its type ({@code CN}, {@code SN} for the surname, {@code serialNumber}, {@code givenName},
 * {@code title}, {@code organizationIdentifier}, {@code E} for the e-mail address, …) and its value
 * decoded from whichever string type it was encoded in (UTF8String, PrintableString, BMPString,
 * TeletexString, UniversalString, IA5String). The values of a multi-valued RDN are joined by
 * {@code +}. A type without a short name keeps its dotted OID with the decoded value; a value that
 * is not a string stays {@code #}-hex, as RFC 4514 writes it. Characters RFC 4514 escapes are
 * escaped, and so are control characters, so that a name cannot steer a terminal.
 */
public final class NameFormat {
    private static final Map<String, String> SHORT_NAMES = Map.ofEntries(
            Map.entry("2.5.4.3", "CN"), Map.entry("2.5.4.4", "SN"), Map.entry("2.5.4.5", "serialNumber"),
            Map.entry("2.5.4.6", "C"), Map.entry("2.5.4.7", "L"), Map.entry("2.5.4.8", "ST"), Map.entry("2.5.4.9", "STREET"),
            Map.entry("2.5.4.10", "O"), Map.entry("2.5.4.11", "OU"), Map.entry("2.5.4.12", "title"),
            Map.entry("2.5.4.13", "description"), Map.entry("2.5.4.15", "businessCategory"),
            Map.entry("2.5.4.16", "postalAddress"), Map.entry("2.5.4.17", "postalCode"), Map.entry("2.5.4.18", "postOfficeBox"),
            Map.entry("2.5.4.20", "telephoneNumber"), Map.entry("2.5.4.41", "name"), Map.entry("2.5.4.42", "givenName"),
            Map.entry("2.5.4.43", "initials"), Map.entry("2.5.4.44", "generationQualifier"),
            Map.entry("2.5.4.45", "x500UniqueIdentifier"), Map.entry("2.5.4.46", "dnQualifier"),
            Map.entry("2.5.4.51", "houseIdentifier"), Map.entry("2.5.4.65", "pseudonym"), Map.entry("2.5.4.72", "role"),
            Map.entry("2.5.4.97", "organizationIdentifier"), Map.entry("0.9.2342.19200300.100.1.1", "UID"),
            Map.entry("0.9.2342.19200300.100.1.25", "DC"), Map.entry("1.2.840.113549.1.9.1", "E"),
            Map.entry("1.2.840.113549.1.9.2", "unstructuredName"), Map.entry("1.2.840.113549.1.9.8", "unstructuredAddress"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"), Map.entry("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"));
    private static final Charset UTF_32BE = Charset.forName("UTF-32BE");
    private static final String POSTAL_ADDRESS = "2.5.4.16";

    private NameFormat() {
    }

    /** The name for people; see the class description. */
    public static String format(X500Principal name) {
        return format(name.getEncoded());
    }

    /**
     * The name, given as its DER encoding, for people.
     *
     * @throws IllegalArgumentException when {@code der} is not an X.500 name
     */
    public static String format(byte[] der) {
        return format(X500Name.getInstance(der));
    }

    /**
     * The name, as Bouncy Castle holds it, for people; a name that cannot be rendered (bad UTF-8,
     * wrong structure — it comes from outside input) as its DER in hex.
     */
    public static String format(X500Name name) {
        try {
            return rendered(name);
        } catch (RuntimeException e) {
            try {
                return "(unreadable name " + HexFormat.of().formatHex(name.getEncoded()) + ")";
            } catch (java.io.IOException | RuntimeException again) {
                return "(unreadable name)";
            }
        }
    }

    private static String rendered(X500Name name) {
        List<String> rdns = new ArrayList<>();
        for (RDN rdn : name.getRDNs()) {
            List<String> parts = new ArrayList<>();
            for (AttributeTypeAndValue tv : rdn.getTypesAndValues()) {
                parts.add(type(tv.getType()) + "=" + value(tv.getType(), tv.getValue()));
            }
            rdns.add(String.join("+", parts));
        }
        return String.join(",", rdns);
    }

    /** The first common name (CN), unescaped but with control characters escaped; the whole name when there is none. */
    public static String commonName(X500Principal name) {
        X500Name n = X500Name.getInstance(name.getEncoded());
        for (RDN rdn : n.getRDNs()) {
            for (AttributeTypeAndValue tv : rdn.getTypesAndValues()) {
                if (tv.getType().getId().equals("2.5.4.3") && text(tv.getValue()) != null) {
                    return escapeControls(text(tv.getValue()));
                }
            }
        }
        return format(name);
    }

    private static String type(ASN1ObjectIdentifier oid) {
        return SHORT_NAMES.getOrDefault(oid.getId(), oid.getId());
    }

    private static String value(ASN1ObjectIdentifier type, ASN1Encodable value) {
        String text = text(value);
        if (text == null && type.getId().equals(POSTAL_ADDRESS) && value instanceof ASN1Sequence lines) {
            List<String> parts = new ArrayList<>();
            for (ASN1Encodable line : lines) {
                String t = text(line);
                if (t == null) {
                    return hex(value);
                }
                parts.add(t);
            }
            text = String.join(" $ ", parts);
        }
        return text == null ? hex(value) : escape(text);
    }

    /** The decoded string, or null when the value is not a string type. */
    private static String text(ASN1Encodable value) {
        if (value instanceof ASN1UniversalString u) {
            return new String(u.getOctets(), UTF_32BE);
        }
        if (value instanceof ASN1String s) {
            return s.getString();
        }
        return null;
    }

    private static String hex(ASN1Encodable value) {
        try {
            return "#" + HexFormat.of().formatHex(value.toASN1Primitive().getEncoded(ASN1Encoding.DER));
        } catch (java.io.IOException e) {
            return "#";
        }
    }

    /** RFC 4514 escaping, plus control characters as \XX (their UTF-8 bytes). */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            boolean first = i == 0;
            i += Character.charCount(cp);
            boolean last = i == s.length();
            if (cp == ',' || cp == '+' || cp == '"' || cp == '\\' || cp == '<' || cp == '>' || cp == ';'
                    || first && (cp == '#' || cp == ' ') || last && cp == ' ') {
                sb.append('\\').appendCodePoint(cp);
            } else if (isControl(cp)) {
                appendHex(sb, cp);
            } else {
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    /**
     * {@code s} with control characters (C0, DEL, C1, bidirectional overrides) written as \\XX of
     * their UTF-8 bytes, for text from a file that is shown on a terminal: a user id or file name
     * cannot move the cursor, recolour the screen or reorder what is shown around it.
     */
    public static String printable(String s) {
        return escapeControls(s);
    }

    private static String escapeControls(String s) {
        if (s.codePoints().noneMatch(NameFormat::isControl)) {
            return s; // the usual case: every status line of a batch passes here
        }
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (isControl(cp)) {
                appendHex(sb, cp);
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }

    /** C0, DEL, C1, and the bidirectional controls that can reorder what a terminal shows. */
    private static boolean isControl(int cp) {
        return cp < 0x20 || cp >= 0x7f && cp < 0xa0 || cp >= 0x202a && cp <= 0x202e || cp >= 0x2066 && cp <= 0x2069;
    }

    private static void appendHex(StringBuilder sb, int cp) {
        for (byte b : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
            sb.append('\\').append(String.format("%02X", b & 0xff));
        }
    }
}
