package org.hsmkit.core;

/**
 * A data object stored on a token beside the keys: PKCS#11 {@code CKO_DATA}, a SmartCard-HSM
 * data file, or an entry of the software token. Values are small (a token's memory is counted
 * in kilobytes); a private object can be read only after a login.
 *
 * @param label the object's label (CKA_LABEL), which {@code data read|delete --label} select by
 * @param application the application that wrote it (CKA_APPLICATION); may be empty
 * @param size the value's length in bytes, or -1 when the token does not tell without a login
 * @param privateObject whether reading needs a login (CKA_PRIVATE)
 */
public record DataObject(String label, String application, int size, boolean privateObject) {
    /**
     * The largest value hsmkit stores: a SmartCard-HSM file holds at most 32 KiB, and tokens keep
     * data objects in scarce memory; a bigger value is most likely the wrong file.
     */
    public static final int MAX_SIZE = 32 * 1024;
}
