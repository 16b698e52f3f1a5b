package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.hsmkit.core.DigestAlgorithm;

/**
 * The document security store (/DSS, ISO 32000-2 12.8.4.3): reading the certificates, OCSP
 * responses and CRLs it holds, and adding to it in an incremental update.
 */
public final class DssStore {
    public static final COSName DSS = COSName.getPDFName("DSS");
    public static final COSName CERTS = COSName.getPDFName("Certs");
    public static final COSName OCSPS = COSName.getPDFName("OCSPs");
    public static final COSName CRLS = COSName.getPDFName("CRLs");

    private DssStore() {
    }

    /** The decoded contents of one of the DSS arrays; empty when there is no DSS. */
    public static List<byte[]> read(PDDocument doc, COSName which) {
        COSDictionary dss = doc.getDocumentCatalog().getCOSObject().getCOSDictionary(DSS);
        return dss == null ? List.of() : read(dss, which);
    }

    public static List<byte[]> read(COSDictionary dss, COSName which) {
        List<byte[]> out = new ArrayList<>();
        COSArray arr = dss.getCOSArray(which);
        if (arr == null) {
            return out;
        }
        for (COSBase b : arr) {
            COSBase o = b instanceof COSObject obj ? obj.getObject() : b;
            if (o instanceof COSStream s) {
                try (InputStream in = s.createInputStream()) {
                    out.add(in.readAllBytes());
                } catch (IOException e) {
                    // a damaged entry is skipped; verification reports missing data where it matters
                }
            }
        }
        return out;
    }

    /**
     * Adds the material to the document's DSS (creating it), skipping entries already present, and
     * marks what changed for an incremental save.
     */
    public static void add(PDDocument doc, List<byte[]> certs, List<byte[]> ocsps, List<byte[]> crls) throws IOException {
        COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
        COSDictionary dss = catalog.getCOSDictionary(DSS);
        if (dss == null) {
            dss = new COSDictionary();
            catalog.setItem(DSS, dss);
        }
        addTo(doc, dss, CERTS, certs);
        addTo(doc, dss, OCSPS, ocsps);
        addTo(doc, dss, CRLS, crls);
        dss.setNeedToBeUpdated(true);
        catalog.setNeedToBeUpdated(true);
    }

    private static void addTo(PDDocument doc, COSDictionary dss, COSName which, List<byte[]> items) throws IOException {
        if (items.isEmpty()) {
            return;
        }
        COSArray arr = dss.getCOSArray(which);
        if (arr == null) {
            arr = new COSArray();
            dss.setItem(which, arr);
        }
        Set<String> present = new HashSet<>();
        for (byte[] b : read(dss, which)) {
            present.add(hash(b));
        }
        for (byte[] item : items) {
            if (!present.add(hash(item))) {
                continue;
            }
            COSStream s = doc.getDocument().createCOSStream();
            try (OutputStream os = s.createOutputStream(COSName.FLATE_DECODE)) {
                os.write(item);
            }
            arr.add(s);
        }
        arr.setNeedToBeUpdated(true);
    }

    private static String hash(byte[] b) {
        return java.util.HexFormat.of().formatHex(CadesSignature.digestOf(DigestAlgorithm.SHA256, b));
    }
}
