package org.hsmkit.core.card;

import java.util.Optional;

/**
 * A PC/SC reader and what is in it.
 *
 * @param name the reader's PC/SC name
 * @param cardPresent whether a card is in it
 * @param smartCardHsm for a SmartCard-HSM in it: its applet version; empty otherwise
 */
public record CardReader(String name, boolean cardPresent, Optional<String> smartCardHsm) {
}
