package org.hsmkit.smime;

/**
 * A leaf part of a message that no signature covers although it is shown with the message, such
 * as text appended beside a signed part.
 *
 * @param path position in the MIME tree ({@code "1.2"}: the body's second subpart)
 * @param contentType the part's Content-Type
 */
public record UnsignedPart(String path, String contentType) {
}
