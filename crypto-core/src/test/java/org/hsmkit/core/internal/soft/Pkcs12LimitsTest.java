package org.hsmkit.core.internal.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;

import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PKCS#12 files are outside input (soft:FILE, key import): a damaged one is an input error, and
 * one that asks for more key-derivation work than any tool writes is refused before the work starts.
 */
class Pkcs12LimitsTest {
    private static final char[] PASS = "pass".toCharArray();

    @TempDir
    Path dir;

    private HsmkitException open(byte[] file) throws Exception {
        Path p = Files.write(dir.resolve("t.p12"), file);
        return assertThrows(HsmkitException.class, () -> {
            try (Token t = SoftToken.open(p, TokenOptions.withPins(PinSource.of(PASS)))) {
                t.keys();
            }
        });
    }

    @Test
    void anEmptyFileIsAnInputError() throws Exception {
        HsmkitException e = open(new byte[0]);
        assertEquals(ErrorKind.INPUT, e.kind(), e.getMessage());
    }

    @Test
    void aMacWithMillionsOfIterationsIsRefusedBeforeItIsComputed() throws Exception {
        ContentInfo empty = new ContentInfo(PKCSObjectIdentifiers.data,
                new DEROctetString(new AuthenticatedSafe(new ContentInfo[0]).getEncoded("DER")));
        MacData mac = new MacData(new DigestInfo(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256), new byte[32]),
                new byte[16], 2_000_000_000);
        HsmkitException e = open(new Pfx(empty, mac).getEncoded("DER"));
        assertEquals(ErrorKind.INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("2000000000 iterations"), e.getMessage());
    }

    @Test
    void aKeyBagWithMillionsOfIterationsIsRefusedBeforeTheKeyIsDerived() throws Exception {
        PBKDF2Params kdf = new PBKDF2Params(new byte[16], 2_000_000_000, 32,
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256));
        AlgorithmIdentifier pbes2 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, new PBES2Parameters(
                new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, kdf),
                new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(new byte[16]))));
        SafeBag bag = new SafeBag(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag, new EncryptedPrivateKeyInfo(pbes2, new byte[48]),
                new DERSet(new ASN1EncodableVector()));
        ContentInfo data = new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(new DERSequence(bag).getEncoded("DER")));
        ContentInfo safe = new ContentInfo(PKCSObjectIdentifiers.data,
                new DEROctetString(new AuthenticatedSafe(new ContentInfo[] {data}).getEncoded("DER")));
        HsmkitException e = open(new Pfx(safe, null).getEncoded("DER"));
        assertEquals(ErrorKind.INPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("2000000000 iterations"), e.getMessage());
        assertTrue(BigInteger.valueOf(2_000_000_000).bitLength() < 32);
    }
}
