package org.hsmkit.cli;

import org.hsmkit.core.TokenKey;
import org.hsmkit.core.cms.CmsDecryptor;
import org.hsmkit.core.cms.CmsRewrapper;

/**
 * How {@code --key} and {@code --cert} choose the key that opens an encrypted file: any token key
 * the file names; the named key (tried on fitting entries when the file does not name it); or the
 * named key identified by a certificate file.
 */
final class CryptoKeys {
    private CryptoKeys() {
    }

    /**
     * The decryptor for {@code --key} (and {@code --cert}), or for whichever token key a file names.
     * For a batch the token's keys are listed once, before the first file; for one file only once
     * its header proved sound.
     */
    static CmsDecryptor decryptor(CliSession session, String key, KeyCertificateOption certOption, boolean batch) {
        certOption.requireKey(key);
        java.security.cert.X509Certificate cert = certOption.certificate(session);
        if (key == null) {
            return batch ? CmsDecryptor.withKeys(session.token().keys()) : CmsDecryptor.withKeysOf(session.token());
        }
        TokenKey k = session.token().key(key);
        return cert == null ? CmsDecryptor.withKey(k) : CmsDecryptor.withKey(k, cert);
    }

    static CmsRewrapper.Builder rewrapper(CliSession session, String key, KeyCertificateOption certOption) {
        certOption.requireKey(key);
        java.security.cert.X509Certificate cert = certOption.certificate(session);
        if (key == null) {
            return CmsRewrapper.withKeysOf(session.token());
        }
        TokenKey k = session.token().key(key);
        return cert == null ? CmsRewrapper.withKey(k) : CmsRewrapper.withKey(k, cert);
    }

    static java.security.cert.X509Certificate certificate(CliSession session, String cert) {
        return RewrapCommand.single(session.certificates(cert), cert);
    }
}
