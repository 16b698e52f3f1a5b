package org.hsmkit.pdf.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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

/**
 * The appearance streams of a revision's form fields, by object, with the field's qualified name
 * ({@code fields}), and those of signed signature fields ({@code signed}).
 */
record FieldAppearances(Map<COSObjectKey, String> fields, Set<COSObjectKey> signed) {
    private static final COSName FT = COSName.getPDFName("FT");
    private static final COSName SIG = COSName.getPDFName("Sig");

    /**
     * Walks the signed revision's form fields on the COS level: PDFBox's field and widget classes
     * add an optional /Type /Annot to the dictionaries they wrap, which would then differ from the
     * same, untouched dictionaries of the newer revision.
     */
    static FieldAppearances of(PDDocument older) {
        FieldAppearances out = new FieldAppearances(new HashMap<>(), new HashSet<>());
        COSDictionary form = older.getDocumentCatalog().getCOSObject().getCOSDictionary(COSName.ACRO_FORM);
        if (form != null && deref(form.getItem(COSName.FIELDS)) instanceof COSArray fields) {
            Set<COSDictionary> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (COSBase f : fields) {
                out.collect(deref(f), "", null, seen);
            }
        }
        return out;
    }

    private void collect(COSBase node, String parentName, COSName inheritedType, Set<COSDictionary> seen) {
        if (!(node instanceof COSDictionary field) || !seen.add(field) || seen.size() > 100_000) {
            return;
        }
        String t = field.getString(COSName.T);
        String name = t == null ? parentName : parentName.isEmpty() ? t : parentName + "." + t;
        COSName type = field.getCOSName(FT) != null ? field.getCOSName(FT) : inheritedType;
        COSArray kids = deref(field.getItem(COSName.KIDS)) instanceof COSArray k ? k : null;
        boolean hasFieldKids = false;
        if (kids != null) {
            for (COSBase kid : kids) {
                if (deref(kid) instanceof COSDictionary d && d.containsKey(COSName.T)) {
                    hasFieldKids = true;
                }
            }
        }
        if (hasFieldKids) {
            for (COSBase kid : kids) {
                collect(deref(kid), name, type, seen);
            }
            return;
        }
        boolean signed = SIG.equals(type) && field.getDictionaryObject(COSName.V) != null;
        List<COSDictionary> widgets = new ArrayList<>();
        if (kids == null) {
            widgets.add(field);
        } else {
            for (COSBase kid : kids) {
                if (deref(kid) instanceof COSDictionary w) {
                    widgets.add(w);
                }
            }
        }
        for (COSDictionary w : widgets) {
            if (deref(w.getItem(COSName.AP)) instanceof COSDictionary ap) {
                streams(ap, name, signed);
            }
        }
    }

    private void streams(COSDictionary ap, String field, boolean signed) {
        for (COSName which : List.of(COSName.N, COSName.D, COSName.R)) {
            COSBase entry = ap.getItem(which);
            List<COSBase> refs = new ArrayList<>();
            if (entry instanceof COSObject) {
                refs.add(entry);
                if (((COSObject) entry).getObject() instanceof COSDictionary states && !(states instanceof COSStream)) {
                    refs.addAll(states.getValues());
                }
            } else if (entry instanceof COSDictionary states) {
                refs.addAll(states.getValues());
            }
            for (COSBase r : refs) {
                if (r instanceof COSObject ref && ref.getKey() != null) {
                    fields.put(ref.getKey(), field);
                    if (signed) {
                        this.signed.add(ref.getKey());
                    }
                }
            }
        }
    }

    private static COSBase deref(COSBase b) {
        return b instanceof COSObject o ? o.getObject() : b;
    }
}
