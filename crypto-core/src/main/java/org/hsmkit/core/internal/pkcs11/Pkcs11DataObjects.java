package org.hsmkit.core.internal.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_APPLICATION;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_PRIVATE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_VALUE;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKO_DATA;

import java.util.ArrayList;
import java.util.List;

import org.hsmkit.core.DataObject;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.internal.DataObjectRules;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * Data objects (CKO_DATA) of a {@link Pkcs11Token}, stored as {@code pkcs11-tool --write-object
 * --type data} stores them: a token object with CKA_LABEL, CKA_APPLICATION and CKA_VALUE, private
 * unless asked otherwise. Every operation logs in first, so private objects are always visible.
 */
final class Pkcs11DataObjects {
    private final Pkcs11Token token;

    Pkcs11DataObjects(Pkcs11Token token) {
        this.token = token;
    }

    List<DataObject> list() {
        return token.call("listing the data objects", true, s -> {
            List<DataObject> out = new ArrayList<>();
            for (long h : s.findAllObjectsSingle(new AttributeVector().class_(CKO_DATA))) {
                out.add(describe(s, h));
            }
            return out;
        });
    }

    DataObject write(String label, String application, byte[] value, boolean privateObject) {
        DataObjectRules.check(label, value);
        return token.call("writing the data object '" + label + "'", true, s -> {
            if (s.findAllObjectsSingle(template(label)).length > 0) {
                throw DataObjectRules.exists(label, token.name());
            }
            AttributeVector a = template(label).token(true).private_(privateObject).modifiable(true)
                    .application(terminated(application)).value(value);
            return describe(s, s.createObject(a));
        });
    }

    byte[] read(String label) {
        return token.call("reading the data object '" + label + "'", true, s -> {
            byte[] value = s.getAttrValues(only(s, label), CKA_VALUE).value();
            return value == null ? new byte[0] : value;
        });
    }

    void delete(String label) {
        token.call("deleting the data object '" + label + "'", true, s -> {
            s.destroyObject(only(s, label));
            return null;
        });
    }

    private long only(Session s, String label) throws PKCS11Exception {
        long[] found = s.findAllObjectsSingle(template(label));
        if (found.length == 1) {
            return found[0];
        }
        throw found.length == 0 ? DataObjectRules.missing(label, token.name())
                : HsmkitException.key(found.length + " data objects on " + token.name() + " are labelled '" + label + "'",
                        "remove the extra ones with the token's own tools (pkcs11-tool --delete-object --type data)");
    }

    /**
     * The application name with a zero byte after it. OpenSC's module takes CKA_APPLICATION of a
     * new object as a C string (it ignores the length and reads to the first zero byte), so
     * without one the card got the name plus the bytes that followed it in this process's memory.
     * Modules that keep the length store the zero byte too; {@link #unterminated} removes it.
     */
    static String terminated(String application) {
        return application == null || application.isEmpty() ? "" : application + '\0';
    }

    /** The application name as written, without the zero bytes {@link #terminated} (or a C program) put after it. */
    static String unterminated(String application) {
        if (application == null) {
            return "";
        }
        int end = application.length();
        while (end > 0 && application.charAt(end - 1) == '\0') {
            end--;
        }
        return application.substring(0, end);
    }

    private static AttributeVector template(String label) {
        return new AttributeVector().class_(CKO_DATA).label(label);
    }

    private static DataObject describe(Session s, long h) throws PKCS11Exception {
        AttributeVector a = s.getAttrValues(h, CKA_LABEL, CKA_APPLICATION, CKA_PRIVATE);
        byte[] value = s.getAttrValues(h, CKA_VALUE).value();
        return new DataObject(a.label() == null ? "" : a.label(), unterminated(a.application()),
                value == null ? -1 : value.length, Boolean.TRUE.equals(a.private_()));
    }
}
