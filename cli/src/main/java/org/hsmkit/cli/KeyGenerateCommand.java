package org.hsmkit.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.Callable;

import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.KeyType;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;

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

    KeyGenerateCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        KeyCommand.requireLabel(label);
        boolean existed = KeyCommand.softTokenExists(session);
        Token token = session.token();
        KeyCommand.requireFreeId(token, KeyId.bytesOf(id));
        session.info("hsmkit: generating a " + type.spec() + " key on token '" + token.info().label() + "'...");
        TokenKey key = token.generateKey(type, label, KeyId.bytesOf(id));
        KeyCommand.reportNewSoftToken(session, existed);
        session.info("hsmkit: generated " + KeyCommand.describe(key));
        session.context().stdout().println(key.reference());
        session.context().stdout().flush();
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
