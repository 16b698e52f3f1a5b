package org.hsmkit.core.cms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.KeyTransRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAESOAEPparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.RsaPadding;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.TokenOptions;
import org.hsmkit.core.TokenSpec;
import org.hsmkit.core.vectors.Vectors;
import org.hsmkit.testdata.SoftHsmToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bleichenbacher's and Manger's attacks need to learn whether a wrapped key's padding was right.
 * An AES-GCM file whose wrapped key is any of the invalid PKCS#1 or OAEP vectors, or a valid
 * padding around a key of the wrong length or the wrong key, fails exactly like a file whose tag
 * was altered: the same kind, message and hint, nothing written — with the key in SoftHSM2 and
 * as a soft key.
 */
class ImplicitRejectionTest {
    private static final byte[] PLAIN = "the secret figures".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static SoftHsmToken hsm;
    private static Token token;
    private static TokenKey onToken;
    private static TokenKey soft;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        soft = Vectors.rsaSoftKey();
        hsm = SoftHsmToken.create("rejection");
        token = TokenSpec.parse(hsm.uri()).open(new TokenOptions(Optional.of(hsm.module()), PinSource.of(hsm.userPin()), false));
        onToken = token.importKey(Vectors.rsaKey(), List.of(), "wycheproof", null);
    }

    @AfterAll
    static void close() {
        token.close();
        hsm.close();
    }

    private static byte[] encrypted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CmsEncryptor.to(RecipientSet.builder().add(soft).build()).rsaPadding(RsaPadding.OAEP_SHA256).build()
                .encrypt(new ByteArrayInputStream(PLAIN), out);
        return out.toByteArray();
    }

    /** The file with its one recipient's wrapped key (and padding) replaced. */
    private static byte[] withWrappedKey(byte[] file, RsaPadding padding, byte[] wrapped) throws Exception {
        ContentInfo ci = ContentInfo.getInstance(file);
        AuthEnvelopedData aed = AuthEnvelopedData.getInstance(ci.getContent());
        KeyTransRecipientInfo kt = KeyTransRecipientInfo.getInstance(RecipientInfo.getInstance(aed.getRecipientInfos().getObjectAt(0)).getInfo());
        AlgorithmIdentifier alg = switch (padding) {
            case PKCS1 -> new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
            case OAEP_SHA1 -> new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, new RSAESOAEPparams());
            case OAEP_SHA256 -> {
                AlgorithmIdentifier sha256 = new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256, DERNull.INSTANCE);
                yield new AlgorithmIdentifier(PKCSObjectIdentifiers.id_RSAES_OAEP, new RSAESOAEPparams(sha256,
                        new AlgorithmIdentifier(PKCSObjectIdentifiers.id_mgf1, sha256), RSAESOAEPparams.DEFAULT_P_SOURCE_ALGORITHM));
            }
            default -> throw new IllegalArgumentException(padding.toString());
        };
        RecipientInfo ri = new RecipientInfo(new KeyTransRecipientInfo(kt.getRecipientIdentifier(), alg, new DEROctetString(wrapped)));
        AuthEnvelopedData changed = new AuthEnvelopedData(aed.getOriginatorInfo(), new DERSet(ri), aed.getAuthEncryptedContentInfo(),
                aed.getAuthAttrs(), aed.getMac(), aed.getUnauthAttrs());
        return new ContentInfo(CMSObjectIdentifiers.authEnvelopedData, changed).getEncoded(ASN1Encoding.DER);
    }

    private String failure(TokenKey key, byte[] file, String what) throws Exception {
        Path target = dir.resolve("out");
        HsmkitException e;
        try (AtomicOutput out = AtomicOutput.toFile(target, false)) {
            e = assertThrows(HsmkitException.class, () -> CmsDecryptor.withKey(key).decrypt(new ByteArrayInputStream(file), out), what);
        }
        assertFalse(Files.exists(target), what);
        try (var s = Files.list(dir)) {
            assertEquals(0, s.count(), what);
        }
        assertEquals(ErrorKind.VERIFICATION_FAILED, e.kind(), what + ": " + e.getMessage());
        return e.getMessage() + " / " + e.hint().orElse("");
    }

    @Test
    void onSoftHsm2EveryBadWrappedKeyFailsLikeAnAlteredTag() throws Exception {
        everyBadWrappedKeyFailsLikeAnAlteredTag(onToken);
    }

    @Test
    void withTheSoftKeyEveryBadWrappedKeyFailsLikeAnAlteredTag() throws Exception {
        everyBadWrappedKeyFailsLikeAnAlteredTag(soft);
    }

    private void everyBadWrappedKeyFailsLikeAnAlteredTag(TokenKey key) throws Exception {
        byte[] file = encrypted();
        Path back = dir.resolve("back");
        try (AtomicOutput out = AtomicOutput.toFile(back, false)) {
            CmsDecryptor.withKey(key).decrypt(new ByteArrayInputStream(file), out);
        }
        assertArrayEquals(PLAIN, Files.readAllBytes(back));
        Files.delete(back);

        byte[] alteredTag = file.clone();
        int tagAt = CmsStructureOffsets.tag(file);
        alteredTag[tagAt] ^= 1;
        Set<String> failures = new LinkedHashSet<>();
        failures.add(failure(key, alteredTag, "altered tag"));

        List<String> cases = new ArrayList<>();
        for (Vectors.Case c : Vectors.cases("generated/rsa_2048_decoding_test.json")) {
            // every vector: the invalid paddings, and the valid ones (a key of the wrong length, or
            // simply not this file's content key)
            cases.add(c.toString());
            failures.add(failure(key, withWrappedKey(file, RsaPadding.valueOf(c.text("padding")), c.hex("ct")), c.toString()));
        }
        for (Vectors.Case c : Vectors.cases("wycheproof/rsa_pkcs1_2048_excerpt.json")) {
            cases.add(c.toString());
            failures.add(failure(key, withWrappedKey(file, RsaPadding.PKCS1, c.hex("ct")), c.toString()));
        }
        assertTrue(cases.size() >= 40, cases.size() + " cases");
        assertEquals(1, failures.size(), "the failures differ: " + failures);
    }
}
