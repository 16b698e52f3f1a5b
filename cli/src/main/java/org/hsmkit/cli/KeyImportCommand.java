package org.hsmkit.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.PinSource;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.Providers;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hsmkit key import}: an existing key pair and its certificate chain from a PKCS#12 file
 * into the token. The file's password comes from a prompt, a file or an environment variable —
 * never from the command line.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import a private key with its certificate chain from a PKCS#12 (.p12/.pfx) file into the token,"
            + " where the token allows creating key objects.",
            "The file's password is asked for on the terminal unless --p12-pass-file or --p12-pass-env is given."})
final class KeyImportCommand implements Callable<Integer> {
    private final CliSession session;

    @Parameters(index = "0", paramLabel = "P12FILE", description = "the PKCS#12 file")
    String p12File;

    @Option(names = "--label", required = true, paramLabel = "TEXT", description = "label (CKA_LABEL) for the imported key")
    String label;

    @Option(names = "--id", paramLabel = "HEX", converter = KeyId.Converter.class,
            description = "id (CKA_ID) in hex; refused when a key already has it (default: derived from the public key)")
    KeyId id;

    @Option(names = "--alias", paramLabel = "NAME", description = "which entry to import when the file holds several keys")
    String alias;

    @ArgGroup(exclusive = true)
    Password password = new Password();

    static final class Password {
        @Option(names = "--p12-pass-file", paramLabel = "FILE", description = "read the PKCS#12 password from the first line of FILE")
        String file;

        @Option(names = "--p12-pass-env", paramLabel = "VAR", description = "read the PKCS#12 password from environment variable VAR")
        String env;
    }

    KeyImportCommand(CliSession session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        KeyCommand.requireLabel(label);
        Path file = session.context().resolve(p12File);
        if (!Files.exists(file)) {
            throw HsmkitException.input("the PKCS#12 file " + p12File + " does not exist", "check the path");
        }
        char[] pass = passwordSource().pin("password of " + file.getFileName(), false);
        try {
            Entry entry = pick(load(file, pass), pass);
            boolean existed = KeyCommand.softTokenExists(session);
            Token token = session.token();
            KeyCommand.requireFreeId(token, KeyId.bytesOf(id));
            TokenKey k = token.importKey(entry.key(), entry.chain(), label, KeyId.bytesOf(id));
            KeyCommand.reportNewSoftToken(session, existed);
            session.info("hsmkit: imported " + KeyCommand.describe(k)
                    + (entry.chain().isEmpty() ? "" : " with " + entry.chain().size() + " certificate(s)"));
            session.context().stdout().println(k.reference());
            session.context().stdout().flush();
            return ExitCode.OK;
        } finally {
            Arrays.fill(pass, '\0');
        }
    }

    private PinSource passwordSource() {
        if (password.file != null) {
            return PinSource.fromFile(session.context().resolve(password.file));
        }
        if (password.env != null) {
            return session.fromEnvironment(password.env,
                    "export " + password.env + " with the PKCS#12 password, or use --p12-pass-file");
        }
        return session.prompted("pass --p12-pass-file FILE or --p12-pass-env VAR");
    }

    private static KeyStore load(Path file, char[] pass) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            KeyStore ks = KeyStore.getInstance("PKCS12", Providers.bc());
            ks.load(in, pass);
            return ks;
        } catch (NoSuchFileException e) {
            throw HsmkitException.input("the PKCS#12 file " + file + " does not exist", "check the path");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("wrong password")
                    || String.valueOf(e.getMessage()).contains("mac invalid")) {
                throw HsmkitException.key("the PKCS#12 password for " + file.getFileName() + " is wrong (or the file is damaged)",
                        "check the password source and try again");
            }
            throw HsmkitException.input(file.getFileName() + " is not a readable PKCS#12 file: " + e.getMessage(),
                    "give a .p12/.pfx file", e);
        } catch (GeneralSecurityException e) {
            throw HsmkitException.input(file.getFileName() + " is not a readable PKCS#12 file: " + e.getMessage(),
                    "give a .p12/.pfx file", e);
        }
    }

    private record Entry(PrivateKey key, List<X509Certificate> chain) {
    }

    private Entry pick(KeyStore store, char[] pass) {
        try {
            List<String> keyAliases = new ArrayList<>();
            for (String a : Collections.list(store.aliases())) {
                if (store.isKeyEntry(a)) {
                    keyAliases.add(a);
                }
            }
            String chosen;
            if (alias != null) {
                if (!keyAliases.contains(alias)) {
                    throw HsmkitException.input("the PKCS#12 file has no key entry '" + alias + "'",
                            "its key entries: " + String.join(", ", keyAliases));
                }
                chosen = alias;
            } else if (keyAliases.size() == 1) {
                chosen = keyAliases.get(0);
            } else if (keyAliases.isEmpty()) {
                throw HsmkitException.input("the PKCS#12 file holds no private key", "import certificates with 'hsmkit key import-cert'");
            } else {
                throw new HsmkitException(ErrorKind.USAGE, "the PKCS#12 file holds " + keyAliases.size() + " keys",
                        "choose one with --alias: " + String.join(", ", keyAliases));
            }
            Key k = store.getKey(chosen, pass);
            if (!(k instanceof PrivateKey pk)) {
                throw HsmkitException.input("the entry '" + chosen + "' is not a private key", null);
            }
            List<X509Certificate> chain = new ArrayList<>();
            Certificate[] certs = store.getCertificateChain(chosen);
            if (certs != null) {
                for (Certificate c : certs) {
                    chain.add((X509Certificate) c);
                }
            }
            return new Entry(pk, chain);
        } catch (UnrecoverableKeyException e) {
            throw HsmkitException.key("the private key in the PKCS#12 file does not open with this password",
                    "check the password source and try again");
        } catch (GeneralSecurityException e) {
            throw HsmkitException.input("cannot read the key from the PKCS#12 file: " + e.getMessage(), null, e);
        }
    }
}
