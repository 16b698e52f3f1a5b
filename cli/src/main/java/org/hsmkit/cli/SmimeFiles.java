package org.hsmkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.util.SharedFileInputStream;

import org.hsmkit.core.AtomicOutput;
import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.hsmkit.core.Token;
import org.hsmkit.core.TokenKey;
import org.hsmkit.core.internal.io.SeekOptionalInputStream;
import org.hsmkit.smime.Smime;
import org.hsmkit.smime.SmimeReader;

/** Input, output and key lookup shared by the smime subcommands. */
final class SmimeFiles {

    private SmimeFiles() {
    }

    /** Parses a message from a file (read in place, not copied into memory) or standard input ("-"). */
    static MimeMessage readMessage(CliSession session, String input) {
        try {
            if (input.equals("-")) {
                session.claimStdin("the input");
                return Smime.read(session.context().stdin());
            }
            Path p = session.context().resolve(input);
            if (!Files.exists(p)) {
                throw new HsmkitException(ErrorKind.IO, "cannot read " + input + ": no such file", "check the path");
            }
            if (Files.isDirectory(p)) {
                throw new HsmkitException(ErrorKind.USAGE, input + " is a directory", "name a message file");
            }
            if (!Files.isRegularFile(p)) {
                // a named pipe or <(…): read once, as standard input is
                try (InputStream in = new java.io.BufferedInputStream(SeekOptionalInputStream.around(Files.newInputStream(p)), 1 << 16)) {
                    return Smime.read(in);
                }
            }
            return Smime.read(new SharedFileInputStream(p.toFile()));
        } catch (HsmkitException e) {
            if (e.kind() == ErrorKind.INPUT || e.kind() == ErrorKind.IO) {
                String name = input.equals("-") ? "standard input" : input;
                throw new HsmkitException(e.kind(), name + ": " + e.getMessage(), e.hint().orElse(null), e);
            }
            throw e;
        } catch (IOException e) {
            throw HsmkitException.io("cannot read " + input + ": " + e.getMessage(), e);
        }
    }

    /** An RFC 5322 field name: printable US-ASCII without the colon. */
    private static final java.util.regex.Pattern FIELD_NAME = java.util.regex.Pattern.compile("[!-9;-~]+");

    /**
     * A message to sign or encrypt: as {@link #readMessage}, refused when it is no mail message.
     * Jakarta Mail takes a first line without a colon as a header, so a plain text file went into
     * the header block of the result and its text was lost from the body.
     */
    static MimeMessage readMessageToSend(CliSession session, String input) {
        MimeMessage m = readMessage(session, input);
        String name = input.equals("-") ? "standard input" : input;
        try {
            java.util.Enumeration<jakarta.mail.Header> headers = m.getAllHeaders();
            if (!headers.hasMoreElements() && m.getSize() <= 0) {
                throw HsmkitException.input(name + " is empty, not a mail message", "give a message (.eml) with its headers and body");
            }
            while (headers.hasMoreElements()) {
                jakarta.mail.Header h = headers.nextElement();
                if (!FIELD_NAME.matcher(h.getName()).matches()) {
                    String line = h.getName().length() > 40 ? h.getName().substring(0, 40) + "…" : h.getName();
                    throw HsmkitException.input(name + " is not a mail message: '" + line + "' is not a header line (Name: value)",
                            "give a message (.eml) that starts with its headers and an empty line; to sign or encrypt any other file,"
                                    + " use hsmkit sign or hsmkit encrypt");
                }
            }
        } catch (MessagingException e) {
            throw HsmkitException.input(name + ": the message cannot be read: " + e.getMessage(), "give an intact message", e);
        }
        return m;
    }

    /** Whether the message names its author (a From header with an address). */
    static boolean hasFrom(MimeMessage m) {
        try {
            jakarta.mail.Address[] from = m.getFrom();
            return from != null && from.length > 0;
        } catch (MessagingException e) {
            return false; // a From that cannot be read is none a verifier can use
        }
    }


    /** The key named by --key (shown with --cert when given), or the token's only key with a certificate. */
    static TokenKey signingKey(CliSession session, String reference, KeyCertificateOption cert) {
        Token token = session.token();
        if (reference != null || cert.file != null) {
            return cert.key(session, reference);
        }
        List<TokenKey> withCert = token.keys().stream().filter(k -> k.certificate().isPresent()).toList();
        if (withCert.size() == 1) {
            return withCert.get(0);
        }
        throw new HsmkitException(ErrorKind.USAGE,
                withCert.isEmpty() ? "the token holds no key with a certificate" : "the token holds " + withCert.size() + " keys with certificates",
                "name the key with --key (see 'hsmkit key list')");
    }

    /** Keys to try for decryption: the one named, or every key on the token. */
    static List<TokenKey> decryptionKeys(CliSession session, String reference) {
        Token token = session.token();
        return reference != null ? List.of(token.key(reference)) : token.keys();
    }

    /**
     * Sets how a reader opens encrypted layers: the key named by --key (with --cert: identified by
     * that certificate), or whichever token key a recipient entry names.
     */
    static SmimeReader.Builder reader(CliSession session, String key, KeyCertificateOption cert, SmimeReader.Builder b) {
        cert.requireKey(key);
        if (cert.file == null) {
            return decryptingWith(b, key, () -> decryptionKeys(session, key));
        }
        X509Certificate c = CryptoKeys.certificate(session, cert.file);
        return b.decryptWith(() -> session.token().key(key), c);
    }

    /**
     * Sets the keys for encrypted layers, {@code keys} being {@link #decryptionKeys}: a key named
     * by --key is the only one, and is tried on the entries that fit it when the message does not
     * name it (no certificate for it on the token); without --key only a key an entry names is used.
     */
    static SmimeReader.Builder decryptingWith(SmimeReader.Builder b, String key, Supplier<List<TokenKey>> keys) {
        return key != null ? b.decryptWithNamedKey(() -> keys.get().get(0)) : b.decryptWith(keys);
    }

    /** Opens the output (file via -o, else standard output) after checking it, before any work. */
    static AtomicOutput output(CliSession session, String output, String input) {
        if (output == null || output.equals("-")) {
            return AtomicOutput.toStream(session.context().stdout());
        }
        Path in = input.equals("-") ? null : session.context().resolve(input);
        return AtomicOutput.toFile(session.context().resolve(output), session.forced(), in);
    }

    /** Writes a message to the (uncommitted) output. */
    static void write(MimeMessage message, AtomicOutput out) {
        try (java.io.OutputStream s = out.stream()) {
            message.writeTo(s);
        } catch (MessagingException e) {
            throw HsmkitException.input("cannot write the message: " + e.getMessage(), null, e);
        } catch (IOException e) {
            throw HsmkitException.io("cannot write the output: " + e.getMessage(), e);
        }
    }
}
