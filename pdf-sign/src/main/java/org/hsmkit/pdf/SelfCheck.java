package org.hsmkit.pdf;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.pdf.internal.Verification;

/** Checks a freshly written file before it is moved into place: its newest signatures must verify. */
final class SelfCheck {
    private SelfCheck() {
    }

    /**
     * The fast check after a signature revision: the byte range starts at 0 and ends at the end
     * of the file, the gap holds exactly our CMS (hex, zero padded), and the digest of the bytes
     * on disk is the message digest we signed.
     */
    static void requireSignedAsIntended(Path file, int[] byteRange, byte[] cms) {
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "r")) {
            long size = raf.length();
            if (byteRange == null || byteRange[0] != 0 || (long) byteRange[2] + byteRange[3] != size) {
                throw fail("the byte range does not cover the written file");
            }
            org.bouncycastle.cms.CMSSignedData signed = new org.bouncycastle.cms.CMSSignedData(cms);
            org.bouncycastle.cms.SignerInformation si = signed.getSignerInfos().getSigners().iterator().next();
            byte[] expected = org.bouncycastle.asn1.ASN1OctetString.getInstance(si.getSignedAttributes()
                    .get(org.bouncycastle.asn1.cms.CMSAttributes.messageDigest).getAttrValues().getObjectAt(0)).getOctets();
            java.security.MessageDigest md = java.security.MessageDigest.getInstance(si.getDigestAlgOID());
            byte[] buf = new byte[1 << 16];
            for (int r = 0; r < 2; r++) {
                raf.seek(byteRange[2 * r]);
                long left = byteRange[2 * r + 1];
                while (left > 0) {
                    int n = raf.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) {
                        throw fail("the file ended inside the byte range");
                    }
                    md.update(buf, 0, n);
                    left -= n;
                }
            }
            if (!java.security.MessageDigest.isEqual(md.digest(), expected)) {
                throw fail("the written bytes do not match the signed digest");
            }
            long gap = (long) byteRange[2] - byteRange[1];
            byte[] hex = new byte[(int) gap];
            raf.seek(byteRange[1]);
            raf.readFully(hex);
            String h = new String(hex, java.nio.charset.StandardCharsets.US_ASCII);
            String ours = java.util.HexFormat.of().formatHex(cms);
            // PDFBox writes the placeholder of an encrypted document encrypted, so the padding after
            // the CMS is hex of arbitrary bytes there; zeros otherwise. DER readers stop at the CMS's end.
            if (h.charAt(0) != '<' || h.charAt(h.length() - 1) != '>' || !h.substring(1).toLowerCase(java.util.Locale.ROOT).startsWith(ours)
                    || !h.substring(1 + ours.length(), h.length() - 1).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw fail("the signature gap does not hold exactly the new signature");
            }
        } catch (java.io.IOException | java.security.GeneralSecurityException | org.bouncycastle.cms.CMSException e) {
            throw fail("cannot re-read the output: " + e.getMessage());
        }
    }

    private static HsmkitException fail(String why) {
        return new HsmkitException(org.hsmkit.core.ErrorKind.INPUT, "the output failed its own check: " + why,
                "nothing was written; run again with --stacktrace and report it");
    }

    /**
     * Requires that the last signature by {@code signer} (when given) and every document
     * time-stamp after it are intact with a sound byte range, and that the last revision is covered.
     */
    static void requireIntact(Path file, char[] password, X509Certificate signer) {
        PdfReport r = new Verification(file, password, List.of(), true, false, List.of()).run();
        List<SignatureReport> sigs = r.signatures();
        if (sigs.isEmpty()) {
            throw new IllegalStateException("the signed output holds no signature");
        }
        int from = 0;
        if (signer != null) {
            from = -1;
            for (int i = sigs.size() - 1; i >= 0; i--) {
                if (sigs.get(i).kind() == SignatureReport.Kind.SIGNATURE
                        && sigs.get(i).signer().equals(org.hsmkit.core.NameFormat.format(signer.getSubjectX500Principal()))) {
                    from = i;
                    break;
                }
            }
            if (from < 0) {
                throw new IllegalStateException("the new signature is not found in the output");
            }
        }
        for (int i = Math.max(from, 0); i < sigs.size(); i++) {
            SignatureReport s = sigs.get(i);
            if (signer == null && s.kind() != SignatureReport.Kind.DOCUMENT_TIMESTAMP) {
                continue;
            }
            if (!s.intact() || !s.byteRangeValid()) {
                throw new HsmkitException(org.hsmkit.core.ErrorKind.INPUT, "the output failed its own check: "
                        + String.join("; ", s.failures()), "nothing was written; run again with --stacktrace and report it");
            }
        }
    }
}
