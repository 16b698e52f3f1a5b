package org.hsmkit.core.internal;

import org.hsmkit.core.DataObject;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;

/** What every token checks before it stores a data object, and its messages for common failures. */
public final class DataObjectRules {
    /** As {@link DataObject#MAX_SIZE}. */
    public static final int MAX_SIZE = DataObject.MAX_SIZE;

    private DataObjectRules() {
    }

    public static void check(String label, byte[] value) {
        if (label == null || label.isBlank()) {
            throw new HsmkitException(ErrorKind.USAGE, "a data object needs a label", "pass --label TEXT");
        }
        if (value.length > MAX_SIZE) {
            throw HsmkitException.input("a data object holds at most " + MAX_SIZE + " bytes, not " + value.length,
                    "store a key for the file on the token instead of the file itself");
        }
    }

    public static HsmkitException exists(String label, String tokenName) {
        return HsmkitException.key("a data object labelled '" + label + "' exists on " + tokenName,
                "choose another --label, or delete the old one first (hsmkit data delete --label " + label + ")");
    }

    public static HsmkitException missing(String label, String tokenName) {
        return HsmkitException.key("no data object labelled '" + label + "' on " + tokenName,
                "list them with: hsmkit data list");
    }
}
