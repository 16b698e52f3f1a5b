package org.hsmkit.cli;

import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.Callable;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.card.KeyAttestation;
import org.hsmkit.core.card.SmartCardHsm;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code hsmkit key generate}: a key pair made inside the token, with our CKA_ID and CKA_LABEL. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Generate a key pair on the token. The private key never leaves it.",
            "Prints the reference to pass to --key on standard output."})
final class KeyGenerateCommand implements Callable<Integer> {
    private final CliSession session;

    @Option(names = "--type", required = true, paramLabel = "TYPE", converter = TypeConverter.class,
            completionCandidates = TypeNames.class, description = {"key type, one of:", "  rsa:2048, rsa:3072, rsa:4096,",
                "  ec:P-256, ec:P-384, ec:P-521,", "  ec:brainpoolP256r1, ec:brainpoolP384r1,", "  ec:brainpoolP512r1"})
    KeyType type;

    @Option(names = "--label", required = true, paramLabel = "TEXT", description = "label (CKA_LABEL) to store with the key")
    String label;

    @Option(names = "--id", paramLabel = "HEX", converter = KeyId.Converter.class,
            description = "id (CKA_ID) in hex, e.g. 01; refused when a key already has it (default: derived from the public key)")
    KeyId id;

    @Option(names = "--use-counter", paramLabel = "N",
            description = "SmartCard-HSM only: the private key can be used N times (1 to 4294967295), then never again")
    Long useCounter;

    @Option(names = "--attestation", paramLabel = "FILE",
            description = "SmartCard-HSM only: write the key's attestation (the device-signed request for the key and the"
                + " device's certificate chain) to FILE; check it with hsmkit key verify-attestation")
    String attestation;

    KeyGenerateCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() throws IOException {
        KeyCommand.requireLabel(label);
        if (useCounter != null && (useCounter < 1 || useCounter > 0xFFFFFFFFL)) {
            throw new HsmkitException(ErrorKind.USAGE, "--use-counter must be 1 to 4294967295, not " + useCounter, null);
        }
        boolean existed = KeyCommand.softTokenExists(session);
        try (AtomicOutput attestationOut = attestation == null ? null : session.output(attestation, true)) {
            Token token = session.token();
            SmartCardHsm card = useCounter != null || attestation != null
                    ? CliSession.cardOf(token, useCounter != null ? "a key use counter" : "a key attestation") : null;
            KeyCommand.requireFreeId(token, KeyId.bytesOf(id));
            session.info("hsmkit: generating an " + type.spec() + " key pair on token '" + token.info().label() + "'...");
            TokenKey key = card != null ? card.generateKey(type, label, KeyId.bytesOf(id), useCounter == null ? 0 : useCounter)
                    : token.generateKey(type, label, KeyId.bytesOf(id));
            KeyCommand.reportNewSoftToken(session, existed);
            session.info("hsmkit: generated " + KeyCommand.describe(key)
                    + (useCounter == null ? "" : ", usable " + useCounter + (useCounter == 1 ? " time" : " times")));
            if (attestationOut != null) {
                KeyAttestation a = card.attestation(key).orElseThrow(() -> HsmkitException.key(
                        "the device kept no attestation for the new key", "the device firmware may not make one"));
                attestationOut.stream().write(a.encode());
                attestationOut.commit();
                session.info("hsmkit: attestation written to " + attestation + " (signed by device " + a.signer() + ")");
            }
            session.context().stdout().println(key.reference());
            session.context().stdout().flush();
        }
        return ExitCode.OK;
    }

    /** Accepts the CLI spellings of {@link KeyType} ({@code rsa:3072}, {@code ec:P-256}, ...). */
    static final class TypeConverter implements ITypeConverter<KeyType> {
        @Override
        public KeyType convert(String value) {
            try {
                return KeyType.parse(value);
            } catch (HsmkitException e) {
                throw new TypeConversionException(e.getMessage() + "; " + e.hint().orElse(""));
            }
        }
    }

    /** The type names for help and shell completion. */
    static final class TypeNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(KeyType.values()).map(KeyType::spec).iterator();
        }
    }
}
