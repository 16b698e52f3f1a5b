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
                    .application(application == null ? "" : application).value(value);
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

    private static AttributeVector template(String label) {
        return new AttributeVector().class_(CKO_DATA).label(label);
    }

    private static DataObject describe(Session s, long h) throws PKCS11Exception {
        AttributeVector a = s.getAttrValues(h, CKA_LABEL, CKA_APPLICATION, CKA_PRIVATE);
        byte[] value = s.getAttrValues(h, CKA_VALUE).value();
        return new DataObject(a.label() == null ? "" : a.label(), a.application() == null ? "" : a.application(),
                value == null ? -1 : value.length, Boolean.TRUE.equals(a.private_()));
    }
}
