package org.hsmkit.core.internal.ca;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.internal.Providers;

/** Reading PKCS#10 requests and checking what a CA must check before it signs anything for one. */
public final class CertificateRequests {
    /** The smallest RSA modulus a certificate is issued for. */
    public static final int MIN_RSA_BITS = 2048;

    private CertificateRequests() {
    }

    /** The largest request read: a PKCS#10 request is a few kilobytes. */
    private static final int MAX_BYTES = 1 << 20;

    /**
     * Reads a request from a PEM ({@code CERTIFICATE REQUEST}) or DER file.
     *
     * @throws HsmkitException INPUT when it is missing or not a request
     */
    public static PKCS10CertificationRequest read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = bounded(in, file.toString());
        } catch (NoSuchFileException e) {
            throw HsmkitException.input("the request " + file + " does not exist", "check the path");
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    /** Reads a request from a stream (standard input), named {@code name} in messages. */
    public static PKCS10CertificationRequest read(InputStream in, String name) {
        try {
            return parse(bounded(in, name), name);
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    private static byte[] bounded(InputStream in, String name) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
            throw HsmkitException.input(name + " is too large for a certificate request", "give a PKCS#10 request");
        }
        return bytes;
    }

    private static PKCS10CertificationRequest parse(byte[] bytes, String name) {
        try {
            if (new String(bytes, 0, Math.min(64, bytes.length), StandardCharsets.US_ASCII).contains("-----BEGIN")) {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(new java.io.ByteArrayInputStream(bytes), StandardCharsets.US_ASCII));
                        PEMParser pem = new PEMParser(r)) {
                    Object o = pem.readObject();
                    if (o instanceof PKCS10CertificationRequest csr) {
                        return csr;
                    }
                    throw HsmkitException.input(name + " holds " + (o == null ? "nothing readable" : "no certificate request"),
                            "give a PKCS#10 request (PEM 'CERTIFICATE REQUEST' or DER), e.g. from 'hsmkit key csr'");
                }
            }
            return new PKCS10CertificationRequest(bytes);
        } catch (HsmkitException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw HsmkitException.input(name + " is not a certificate request: " + e.getMessage(),
                    "give a PKCS#10 request (PEM 'CERTIFICATE REQUEST' or DER), e.g. from 'hsmkit key csr'", e);
        }
    }

    /**
     * Checks the request's self-signature: proof that whoever asked holds the private key.
     *
     * @throws HsmkitException VERIFICATION_FAILED when it does not verify
     */
    public static void requireValidSignature(PKCS10CertificationRequest csr, String name) {
        // the JDK first: setting up Bouncy Castle's provider costs more than the whole check; it is
        // needed only for what the JDK lacks (brainpool curves)
        boolean valid = verifies(csr, new JcaContentVerifierProviderBuilder()) || verifies(csr,
                new JcaContentVerifierProviderBuilder().setProvider(Providers.bc()));
        if (!valid) {
            throw HsmkitException.verification("the signature of the request " + name + " does not verify: it was altered"
                    + " or not signed by the key it names; nothing was issued",
                    "ask the requester for a new request made with the key itself ('hsmkit key csr' or 'openssl req')");
        }
    }

    private static boolean verifies(PKCS10CertificationRequest csr, JcaContentVerifierProviderBuilder builder) {
        try {
            SubjectPublicKeyInfo spki = csr.getSubjectPublicKeyInfo();
            ContentVerifierProvider verifier = builder.build(java.security.KeyFactory.getInstance(isRsa(spki) ? "RSA" : "EC")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(spki.getEncoded())));
            return csr.isSignatureValid(verifier);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The key's type in words ({@code RSA-3072}, {@code EC P-256}) after checking that a certificate
     * may be issued for it: RSA of at least {@value #MIN_RSA_BITS} bits, or EC on a curve hsmkit knows.
     *
     * @throws HsmkitException INPUT otherwise
     */
    public static String requireAcceptableKey(SubjectPublicKeyInfo spki) {
        ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
        if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            int bits;
            try {
                bits = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus().bitLength();
            } catch (IOException | RuntimeException e) {
                throw HsmkitException.input("the request's RSA public key cannot be read", "give a well-formed request");
            }
            if (bits < MIN_RSA_BITS) {
                throw HsmkitException.input("the request's key is RSA-" + bits + ", too weak: certificates are issued for RSA keys"
                        + " of at least " + MIN_RSA_BITS + " bits; nothing was issued",
                        "make a new key of RSA-3072 (or EC P-256) and a new request");
            }
            return "RSA-" + bits;
        }
        if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            ASN1ObjectIdentifier curve;
            try {
                curve = ASN1ObjectIdentifier.getInstance(spki.getAlgorithm().getParameters());
            } catch (RuntimeException e) {
                throw HsmkitException.input("the request's EC key has explicit curve parameters", "use a named curve such as P-256");
            }
            for (KeyType t : KeyType.values()) {
                if (t.isEc() && curve.equals(ECNamedCurveTable.getOID(t.curveName().get()))) {
                    return "EC " + t.spec().substring(3);
                }
            }
            String name = ECNamedCurveTable.getName(curve);
            throw HsmkitException.input("the request's key is on the curve " + (name == null ? curve.getId() : name)
                    + ", which is not accepted; nothing was issued", "use P-256, P-384, P-521 or a brainpool r1 curve");
        }
        throw HsmkitException.input("the request's key algorithm " + alg.getId() + " is not accepted; nothing was issued",
                "use an RSA (2048 bits or more) or EC key");
    }

    public static boolean isRsa(SubjectPublicKeyInfo spki) {
        return spki.getAlgorithm().getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption);
    }

    /** The extensions the request asks for (PKCS#9 extensionRequest), or null. */
    public static Extensions requestedExtensions(PKCS10CertificationRequest csr) {
        for (Attribute a : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            ASN1Set values = a.getAttrValues();
            if (values.size() > 0) {
                try {
                    return Extensions.getInstance(values.getObjectAt(0));
                } catch (RuntimeException e) {
                    throw HsmkitException.input("the request's extensionRequest attribute is malformed", "give a well-formed request");
                }
            }
        }
        return null;
    }

    /** SHA-256 of the SubjectPublicKeyInfo, hex: how the database recognises a key. */
    public static String keyHash(SubjectPublicKeyInfo spki) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki.getEncoded()));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A serial number as users write it: colon-separated hex bytes. */
    public static String serialText(BigInteger serial) {
        String hex = serial.toString(16);
        if (hex.length() % 2 == 1) {
            hex = "0" + hex;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            b.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return b.toString();
    }
}
