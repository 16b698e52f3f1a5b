package org.hsmkit.core.card;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a SmartCard-HSM says about itself without a login.
 *
 * @param reader the PC/SC reader it is in
 * @param version the applet version, e.g. "3.5"
 * @param serial the serial number (from the device certificate)
 * @param label the token label (EF.TokenInfo), empty when none was set
 * @param initialized whether an SO-PIN and user PIN have been set
 * @param pinState the user PIN in words: ok, verified, count low, final try, locked, transport PIN, not initialised
 * @param pinTriesLeft user PIN tries left, when the device says
 * @param soPinTriesLeft SO-PIN tries left, when the device says
 * @param dkek the DKEK state, empty when the device has no DKEK
 */
public record CardInfo(String reader, String version, String serial, String label, boolean initialized, String pinState,
        OptionalInt pinTriesLeft, OptionalInt soPinTriesLeft, Optional<DkekStatus> dkek) {
}
