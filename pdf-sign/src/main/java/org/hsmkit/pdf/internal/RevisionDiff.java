package org.hsmkit.pdf.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSObject;
import org.apache.pdfbox.cos.COSObjectKey;
import org.apache.pdfbox.cos.COSStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.hsmkit.pdf.SignatureReport.Change;

/**
 * Classifies what later revisions change in the objects a signature covers. Objects are compared
 * one by one between the signed revision and the final document; references compare by object
 * number, so each change is seen once, in the object that was rewritten. Allowed: the /DSS and its
 * streams, new signatures and document time-stamps (signature fields, their widgets on the page's
 * /Annots, AcroForm /Fields and /SigFlags), form filling when the DocMDP permission allows it
 * (P ≥ 2 or no certification), annotations when P = 3, and the document information dictionary.
 * Everything else (page content, resources, the page tree, catalog entries such as /OpenAction or
 * /Names, an existing signature's dictionary) is not.
 */
public final class RevisionDiff {
    private static final COSName FT = COSName.getPDFName("FT");
    private static final COSName SIG = COSName.getPDFName("Sig");
    private static final Set<COSName> CATALOG_ALLOWED = Set.of(DssStore.DSS, COSName.ACRO_FORM, COSName.getPDFName("Extensions"));
    private static final Set<COSName> ACROFORM_ALLOWED = Set.of(COSName.FIELDS, COSName.SIG_FLAGS, COSName.DR, COSName.DA,
            COSName.NEED_APPEARANCES);
    private static final Set<COSName> FILL_KEYS = Set.of(COSName.V, COSName.AP, COSName.AS);

    private final PDDocument older;
    private final PDDocument newer;
    private final int docMdp;
    private final List<Change> changes = new ArrayList<>();
    private final Set<COSObjectKey> olderDssObjects = new HashSet<>();
    /** Appearance streams of form fields in the signed revision. */
    private FieldAppearances appearances;

    private RevisionDiff(PDDocument older, PDDocument newer, int docMdp) {
        this.older = older;
        this.newer = newer;
        this.docMdp = docMdp;
    }

    /** The changes from {@code older} (a signed revision) to {@code newer} (the final document). */
    public static List<Change> changes(PDDocument older, PDDocument newer, int docMdp) throws IOException {
        RevisionDiff d = new RevisionDiff(older, newer, docMdp);
        d.run();
        return d.changes;
    }

    private boolean formFillAllowed() {
        return docMdp != 1;
    }

    private boolean annotationsAllowed() {
        return docMdp == 3;
    }

    private void run() throws IOException {
        COSDictionary dss = older.getDocumentCatalog().getCOSObject().getCOSDictionary(DssStore.DSS);
        if (dss != null) {
            for (COSName k : List.of(DssStore.CERTS, DssStore.OCSPS, DssStore.CRLS)) {
                COSArray a = dss.getCOSArray(k);
                if (a != null) {
                    for (COSBase b : a) {
                        if (b instanceof COSObject o && o.getKey() != null) {
                            olderDssObjects.add(o.getKey());
                        }
                    }
                }
            }
        }
        appearances = FieldAppearances.of(older);
        Map<COSObjectKey, Long> oldX = older.getDocument().getXrefTable();
        Map<COSObjectKey, Long> newX = newer.getDocument().getXrefTable();
        COSBase oldInfo = older.getDocument().getTrailer().getItem(COSName.INFO);
        COSObjectKey infoKey = oldInfo instanceof COSObject io ? io.getKey() : null;
        for (Map.Entry<COSObjectKey, Long> e : newX.entrySet()) {
            COSObjectKey key = e.getKey();
            Long oldOffset = oldX.get(key);
            if (oldOffset == null || oldOffset.equals(e.getValue())) {
                continue; // new object (judged through what refers to it), or untouched bytes
            }
            COSBase o = resolve(older, key);
            COSBase n = resolve(newer, key);
            if (same(o, n)) {
                continue;
            }
            if (key.equals(infoKey)) {
                changes.add(new Change(true, "document information dictionary updated"));
                continue;
            }
            classify(key, o, n);
        }
        for (COSObjectKey key : oldX.keySet()) {
            if (!newX.containsKey(key)) {
                changes.add(new Change(false, "object " + key + " was removed"));
            }
        }
        COSDictionary oldTrailer = older.getDocument().getTrailer();
        COSDictionary newTrailer = newer.getDocument().getTrailer();
        if (!same(oldTrailer.getItem(COSName.ROOT), newTrailer.getItem(COSName.ROOT))) {
            changes.add(new Change(false, "the document catalog was replaced"));
        }
    }

    private static COSBase resolve(PDDocument doc, COSObjectKey key) {
        COSObject o = doc.getDocument().getObjectFromPool(key);
        return o == null ? null : o.getObject();
    }

    private void classify(COSObjectKey key, COSBase o, COSBase n) throws IOException {
        String what = "object " + key.getNumber();
        if (olderDssObjects.contains(key)) {
            changes.add(new Change(true, "validation data stream " + key.getNumber() + " replaced"));
            return;
        }
        if (!(o instanceof COSDictionary od) || !(n instanceof COSDictionary nd)) {
            if (o instanceof COSArray oa && n instanceof COSArray na) {
                classifyArray(key, oa, na);
                return;
            }
            changes.add(new Change(false, what + " changed"));
            return;
        }
        if (o instanceof COSStream && appearances.fields().containsKey(key)) {
            String field = appearances.fields().get(key);
            if (appearances.signed().contains(key)) {
                changes.add(new Change(false, "the appearance of the signed field '" + field + "' was redrawn"));
            } else {
                changes.add(new Change(formFillAllowed(), "appearance of form field '" + field + "' redrawn"));
            }
            return;
        }
        if (o instanceof COSStream) {
            changes.add(new Change(false, describe(od, key) + " (a content, image, font or other stream) changed"));
            return;
        }
        COSName type = od.getCOSName(COSName.TYPE);
        Set<COSName> diff = differingKeys(od, nd);
        if (COSName.CATALOG.equals(type)) {
            for (COSName k : diff) {
                if (k.equals(COSName.ACRO_FORM) && od.getItem(k) instanceof COSDictionary of && nd.getItem(k) instanceof COSDictionary nf) {
                    classifyAcroForm(of, nf);
                } else if (k.equals(COSName.ACRO_FORM) && od.getItem(k) == null) {
                    changes.add(new Change(true, "interactive form added for a signature"));
                } else if (CATALOG_ALLOWED.contains(k)) {
                    changes.add(new Change(true, k.equals(DssStore.DSS) ? "validation data (/DSS) added or updated"
                            : "catalog /" + k.getName() + " updated"));
                } else {
                    changes.add(new Change(false, "catalog entry /" + k.getName() + " changed"));
                }
            }
            return;
        }
        if (COSName.PAGE.equals(type)) {
            for (COSName k : diff) {
                if (k.equals(COSName.ANNOTS)) {
                    classifyAnnots("page annotations", od.getItem(k), nd.getItem(k));
                } else {
                    changes.add(new Change(false, "page " + pageNumber(key) + " entry /" + k.getName() + " changed"
                            + (k.equals(COSName.CONTENTS) || k.equals(COSName.RESOURCES) ? " (page content)" : "")));
                }
            }
            return;
        }
        if (COSName.PAGES.equals(type)) {
            changes.add(new Change(false, "the page tree changed"));
            return;
        }
        if (SIG.equals(type) || COSName.DOC_TIME_STAMP.equals(type) || od.containsKey(COSName.BYTERANGE)) {
            changes.add(new Change(false, "an existing signature dictionary (object " + key.getNumber() + ") was changed"));
            return;
        }
        if (od.containsKey(COSName.FIELDS) && (od.containsKey(COSName.SIG_FLAGS) || od.containsKey(COSName.DR)
                || od.containsKey(COSName.DA))) {
            classifyAcroForm(od, nd);
            return;
        }
        boolean annotation = COSName.ANNOT.equals(type) || od.containsKey(COSName.SUBTYPE) && od.containsKey(COSName.RECT);
        if (annotation && diff.contains(COSName.TYPE) && type == null && COSName.ANNOT.equals(nd.getCOSName(COSName.TYPE))) {
            // PDF writers (PDFBox among them) add the optional /Type /Annot when they touch an annotation or a widget.
            changes.add(new Change(true, "annotation " + key.getNumber() + ": optional /Type /Annot added (no visible change)"));
            diff.remove(COSName.TYPE);
            if (diff.isEmpty()) {
                return;
            }
        }
        if (isField(od) || COSName.WIDGET.equals(od.getCOSName(COSName.SUBTYPE))) {
            classifyField(od, nd, diff);
            return;
        }
        if (od.containsKey(DssStore.CERTS) || od.containsKey(DssStore.OCSPS) || od.containsKey(DssStore.CRLS)
                || od.containsKey(COSName.getPDFName("VRI"))) {
            changes.add(new Change(true, "validation data (/DSS) updated"));
            return;
        }
        if (annotation) {
            changes.add(new Change(annotationsAllowed(), "annotation " + key.getNumber() + " changed (" + names(diff) + ")"));
            return;
        }
        changes.add(new Change(false, describe(od, key) + " changed (" + names(diff) + ")"));
    }

    private void classifyArray(COSObjectKey key, COSArray oa, COSArray na) throws IOException {
        // An indirect array: the /Annots of a page or the /Fields of the form, judged like the entry it is.
        if (isReferencedAs(COSName.ANNOTS, key)) {
            classifyAnnots("page annotations", oa, na);
        } else if (isReferencedAs(COSName.FIELDS, key)) {
            classifyFields(oa, na);
        } else {
            changes.add(new Change(false, "array object " + key.getNumber() + " changed"));
        }
    }

    private boolean isReferencedAs(COSName name, COSObjectKey key) {
        for (var page : older.getPages()) {
            if (page.getCOSObject().getItem(name) instanceof COSObject r && key.equals(r.getKey())) {
                return true;
            }
        }
        COSDictionary form = older.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.ACRO_FORM);
        return form != null && form.getItem(name) instanceof COSObject r && key.equals(r.getKey());
    }

    private void classifyAcroForm(COSDictionary of, COSDictionary nf) throws IOException {
        for (COSName k : differingKeys(of, nf)) {
            if (k.equals(COSName.FIELDS)) {
                classifyFields(deref(of.getItem(k)), deref(nf.getItem(k)));
            } else if (ACROFORM_ALLOWED.contains(k)) {
                changes.add(new Change(true, "form /" + k.getName() + " updated"));
            } else {
                changes.add(new Change(false, "form entry /" + k.getName() + " changed"));
            }
        }
    }

    private void classifyFields(COSBase o, COSBase n) {
        Set<COSBase> before = members(o);
        Set<COSBase> after = members(n);
        for (COSBase b : after) {
            if (!containsRef(before, b)) {
                COSBase f = deref(b);
                if (f instanceof COSDictionary d && SIG.equals(d.getCOSName(FT))) {
                    changes.add(new Change(true, "signature field '" + d.getString(COSName.T) + "' added"));
                } else {
                    changes.add(new Change(false, "form field " + (f instanceof COSDictionary d ? "'" + d.getString(COSName.T) + "' " : "")
                            + "added"));
                }
            }
        }
        for (COSBase b : before) {
            if (!containsRef(after, b)) {
                changes.add(new Change(false, "a form field was removed"));
            }
        }
    }

    private void classifyAnnots(String where, COSBase o, COSBase n) {
        Set<COSBase> before = members(deref(o));
        Set<COSBase> after = members(deref(n));
        for (COSBase b : after) {
            if (!containsRef(before, b)) {
                COSBase a = deref(b);
                if (a instanceof COSDictionary d && isSignatureWidget(d)) {
                    changes.add(new Change(true, "signature widget added to " + where));
                } else {
                    String sub = a instanceof COSDictionary d && d.getCOSName(COSName.SUBTYPE) != null
                            ? d.getCOSName(COSName.SUBTYPE).getName() : "unknown";
                    changes.add(new Change(annotationsAllowed(), sub + " annotation added to " + where));
                }
            }
        }
        for (COSBase b : before) {
            if (!containsRef(after, b)) {
                changes.add(new Change(annotationsAllowed(), "an annotation was removed from " + where));
            }
        }
    }

    private void classifyField(COSDictionary od, COSDictionary nd, Set<COSName> diff) {
        boolean sigField = SIG.equals(fieldType(od));
        String name = od.getString(COSName.T) != null ? od.getString(COSName.T) : "(widget)";
        for (COSName k : diff) {
            if (sigField) {
                if (k.equals(COSName.V) && od.getItem(COSName.V) == null) {
                    changes.add(new Change(true, "empty signature field '" + name + "' signed"));
                } else if (k.equals(COSName.V)) {
                    changes.add(new Change(false, "the value of signature field '" + name + "' was replaced"));
                } else if (FILL_KEYS.contains(k) || k.equals(COSName.F) || k.equals(COSName.getPDFName("MK"))) {
                    changes.add(new Change(true, "appearance of signature field '" + name + "' updated"));
                } else {
                    changes.add(new Change(false, "signature field '" + name + "' entry /" + k.getName() + " changed"));
                }
            } else if (FILL_KEYS.contains(k)) {
                changes.add(new Change(formFillAllowed(), "form field '" + name + "' filled in (/" + k.getName() + ")"));
            } else {
                changes.add(new Change(false, "form field '" + name + "' entry /" + k.getName() + " changed"));
            }
        }
    }

    private static COSName fieldType(COSDictionary d) {
        for (int i = 0; d != null && i < 20; i++) {
            COSName ft = d.getCOSName(FT);
            if (ft != null) {
                return ft;
            }
            d = d.getCOSDictionary(COSName.PARENT);
        }
        return null;
    }

    private static boolean isSignatureWidget(COSDictionary d) {
        return SIG.equals(fieldType(d));
    }

    private static boolean isField(COSDictionary d) {
        return d.containsKey(FT) || d.containsKey(COSName.T) && (d.containsKey(COSName.V) || d.containsKey(COSName.KIDS)
                || d.containsKey(COSName.PARENT));
    }

    private String pageNumber(COSObjectKey key) {
        int i = 1;
        for (var page : older.getPages()) {
            COSObjectKey k = page.getCOSObject().getKey();
            if (key.equals(k)) {
                return String.valueOf(i);
            }
            i++;
        }
        return "(object " + key.getNumber() + ")";
    }

    private static String describe(COSDictionary d, COSObjectKey key) {
        COSName t = d.getCOSName(COSName.TYPE);
        COSName st = d.getCOSName(COSName.SUBTYPE);
        return "object " + key.getNumber() + (t != null ? " /" + t.getName() : "") + (st != null ? " /" + st.getName() : "");
    }

    private static String names(Set<COSName> keys) {
        List<String> l = new ArrayList<>();
        for (COSName k : keys) {
            l.add("/" + k.getName());
        }
        return String.join(", ", l);
    }

    private static COSBase deref(COSBase b) {
        return b instanceof COSObject o ? o.getObject() : b;
    }

    private static Set<COSBase> members(COSBase a) {
        Set<COSBase> s = new LinkedHashSet<>();
        if (a instanceof COSArray arr) {
            for (COSBase b : arr) {
                s.add(b);
            }
        }
        return s;
    }

    private static boolean containsRef(Set<COSBase> set, COSBase b) {
        for (COSBase x : set) {
            if (same(x, b)) {
                return true;
            }
        }
        return false;
    }

    private static Set<COSName> differingKeys(COSDictionary a, COSDictionary b) {
        Set<COSName> keys = new LinkedHashSet<>(a.keySet());
        keys.addAll(b.keySet());
        Set<COSName> out = new LinkedHashSet<>();
        for (COSName k : keys) {
            if (!same(a.getItem(k), b.getItem(k))) {
                out.add(k);
            }
        }
        return out;
    }

    /** Structural equality; indirect references compare by object number only. */
    static boolean same(COSBase a, COSBase b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof COSObject || b instanceof COSObject) {
            if (a instanceof COSObject x && b instanceof COSObject y) {
                return x.getKey() != null && x.getKey().equals(y.getKey());
            }
            return false;
        }
        if (a instanceof COSStream sa && b instanceof COSStream sb) {
            if (!sameDict(sa, sb)) {
                return false;
            }
            try (InputStream ia = sa.createRawInputStream(); InputStream ib = sb.createRawInputStream()) {
                return java.util.Arrays.equals(ia.readAllBytes(), ib.readAllBytes());
            } catch (IOException e) {
                return false;
            }
        }
        if (a instanceof COSDictionary da && b instanceof COSDictionary db) {
            return sameDict(da, db);
        }
        if (a instanceof COSArray aa && b instanceof COSArray ab) {
            if (aa.size() != ab.size()) {
                return false;
            }
            for (int i = 0; i < aa.size(); i++) {
                if (!same(aa.get(i), ab.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean sameDict(COSDictionary a, COSDictionary b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (COSName k : a.keySet()) {
            if (!same(a.getItem(k), b.getItem(k))) {
                return false;
            }
        }
        return true;
    }
}
