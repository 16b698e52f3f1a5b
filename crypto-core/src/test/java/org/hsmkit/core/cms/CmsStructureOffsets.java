package org.hsmkit.core.cms;

import java.util.Arrays;

import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.ContentInfo;

/** Finds places in an encoded CMS file, for tests that alter one byte of it. */
final class CmsStructureOffsets {
    private CmsStructureOffsets() {
    }

    /** The offset of the first byte of an AuthEnvelopedData file's MAC (its authentication tag). */
    static int tag(byte[] file) {
        byte[] mac = AuthEnvelopedData.getInstance(ContentInfo.getInstance(file).getContent()).getMac().getOctets();
        for (int i = file.length - mac.length; i >= 0; i--) {
            if (Arrays.equals(file, i, i + mac.length, mac, 0, mac.length)) {
                return i;
            }
        }
        throw new AssertionError("the MAC is not in the file");
    }
}
