package org.hsmkit.testdata.schsm;

/** The status words the SmartCard-HSM answers with (ISO/IEC 7816-4 meanings). */
final class Sw {
    static final int OK = 0x9000;
    /** End of file reached before Le bytes were read. */
    static final int END_OF_FILE = 0x6282;
    static final int WRONG_LENGTH = 0x6700;
    static final int SM_DATA_OBJECTS_INCORRECT = 0x6988;
    static final int SECURITY_STATUS_NOT_SATISFIED = 0x6982;
    static final int AUTHENTICATION_BLOCKED = 0x6983;
    static final int REFERENCE_DATA_NOT_USABLE = 0x6984;
    static final int CONDITIONS_NOT_SATISFIED = 0x6985;
    static final int COMMAND_NOT_ALLOWED = 0x6986;
    static final int WRONG_DATA = 0x6A80;
    static final int FUNCTION_NOT_SUPPORTED = 0x6A81;
    static final int FILE_NOT_FOUND = 0x6A82;
    /** Not enough memory space in the file: what the card answers for a key with no uses left. */
    static final int FILE_FULL = 0x6A84;
    static final int INCORRECT_P1P2 = 0x6A86;
    static final int REFERENCE_NOT_FOUND = 0x6A88;
    static final int FILE_EXISTS = 0x6A89;
    static final int WRONG_OFFSET = 0x6B00;
    static final int INS_NOT_SUPPORTED = 0x6D00;
    static final int CLA_NOT_SUPPORTED = 0x6E00;
    static final int NO_PRECISE_DIAGNOSIS = 0x6F00;

    private Sw() {
    }

    /** 63Cx: verification failed, {@code triesLeft} tries left. */
    static int triesLeft(int triesLeft) {
        return 0x63C0 | Math.min(triesLeft, 15);
    }

    /** Thrown by a command handler to answer with a status word and no data. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int sw;

        Failure(int sw, String why) {
            super(why, null, false, false);
            this.sw = sw;
        }
    }

    static Failure fail(int sw, String why) {
        return new Failure(sw, why);
    }
}
