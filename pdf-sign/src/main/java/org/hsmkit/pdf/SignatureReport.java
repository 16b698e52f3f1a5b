package org.hsmkit.pdf;

import java.time.Instant;
import java.util.List;

/**
 * What verification found for one signature or document time-stamp of a PDF: the verdict in
 * ETSI EN 319 102-1 terms ({@link #indication()}, {@link #subIndication()}) with a one-line
 * summary in plain words, and the findings behind it.
 *
 * @param field the signature field's name
 * @param kind a signature or a document time-stamp
 * @param subFilter the /SubFilter as written
 * @param signer subject of the signer's (or the TSA's) certificate, as {@link org.hsmkit.core.NameFormat} writes
 *        names; empty when unknown
 * @param issuer issuer of that certificate, written the same way; empty when unknown
 * @param claimedTime the /M entry: the signer's claim, not proof
 * @param provenTime the time a valid time-stamp proves the signature existed at; null without one
 * @param indication TOTAL-PASSED, INDETERMINATE or TOTAL-FAILED
 * @param subIndication why it is not TOTAL-PASSED; null when it is
 * @param summary what the verdict means, in one line of plain words
 * @param intact the digest over /ByteRange matches the signed one and the signature value verifies
 * @param byteRangeValid /ByteRange starts at 0, excludes exactly this dictionary's /Contents and ends at a revision end
 * @param coversWholeFile the signed revision is the whole file (nothing appended after it)
 * @param revision 1-based number of the revision the signature ends, of {@code revisions} in the file
 * @param level the PAdES baseline level detected ("B-B" ... "B-LTA"), or a description when not PAdES
 * @param trusted the certificate path leads to a given trust anchor and is valid at the proven time (or now)
 * @param revocation what the embedded revocation data says of the path
 * @param certificationLevel the DocMDP /P this signature sets; 0 for an approval signature
 * @param changesAfter the changes later revisions make to what this signature covers
 * @param failures every reason it is not TOTAL-PASSED; empty when it is
 * @param warnings what is weak without changing the verdict
 */
public record SignatureReport(String field, Kind kind, String subFilter, String signer, String issuer, Instant claimedTime,
        Instant provenTime, Indication indication, SubIndication subIndication, String summary, boolean intact,
        boolean byteRangeValid, boolean coversWholeFile, int revision, int revisions, String level, boolean trusted,
        String revocation, int certificationLevel, List<Change> changesAfter, List<String> failures, List<String> warnings) {

    /** A signature or a document time-stamp. */
    public enum Kind { SIGNATURE, DOCUMENT_TIMESTAMP }

    /** One change made after a signature, and whether the signature's rules allow it. */
    public record Change(boolean allowed, String description) {
    }

    /** TOTAL-PASSED: intact, byte range sound, trusted, no disallowed change after it, no other failure. */
    public boolean valid() {
        return indication == Indication.TOTAL_PASSED;
    }
}
