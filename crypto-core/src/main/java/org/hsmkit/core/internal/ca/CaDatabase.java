package org.hsmkit.core.internal.ca;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.hsmkit.core.ErrorKind;
import org.hsmkit.core.HsmkitException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The issuance database of a CA: one SQLite file ({@code ca.db}) in write-ahead-log mode with full
 * synchronisation, so that a transaction that has committed survives a crash and one that has not
 * leaves no trace.
 *
 * <p>Every change runs in {@link #write}: {@code BEGIN IMMEDIATE} takes the database's write lock
 * before anything is read, so two processes never decide on the same state; a process that finds
 * the lock taken waits up to the busy timeout. Readers (listing, OCSP answers) never wait for a
 * writer. The certificate itself is signed inside the transaction that records it, so a certificate
 * exists outside the signing process only once its record has committed.
 */
public final class CaDatabase implements AutoCloseable {
    /** The database file's name in a CA directory. */
    public static final String FILE = "ca.db";
    private static final int SCHEMA = 1;
    /** How long a command waits for another process's transaction before giving up. */
    private static final int BUSY_TIMEOUT_MS = 60_000;

    private final Path file;
    private final Connection connection;

    /** One stored certificate, without its DER unless asked for. */
    public record Row(BigInteger serial, String subject, String profile, long notBefore, long notAfter, long issuedAt,
            Long revokedAt, Integer reason, byte[] der) {
    }

    /** Work done inside one write transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(CaDatabase db) throws SQLException;
    }

    private CaDatabase(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Makes a new, empty database (the file must not exist). */
    public static CaDatabase create(Path file) {
        if (Files.exists(file)) {
            throw HsmkitException.input(file + " exists already", "remove it or choose another CA directory");
        }
        CaDatabase db = connect(file, true);
        try (Statement s = db.connection.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("BEGIN IMMEDIATE");
            s.execute("CREATE TABLE certificate ("
                    + " serial TEXT PRIMARY KEY,"          // lower-case hex, no leading zeros
                    + " subject TEXT NOT NULL,"
                    + " subject_der BLOB NOT NULL,"
                    + " key_hash TEXT NOT NULL,"           // SHA-256 of the SubjectPublicKeyInfo
                    + " profile TEXT NOT NULL,"
                    + " not_before INTEGER NOT NULL,"     // milliseconds since 1970
                    + " not_after INTEGER NOT NULL,"
                    + " issued_at INTEGER NOT NULL,"
                    + " der BLOB NOT NULL,"
                    + " revoked_at INTEGER,"
                    + " reason INTEGER)");
            s.execute("CREATE INDEX certificate_key ON certificate(key_hash)");
            s.execute("CREATE TABLE crl (number INTEGER PRIMARY KEY, this_update INTEGER NOT NULL,"
                    + " next_update INTEGER NOT NULL, der BLOB NOT NULL)");
            s.execute("PRAGMA user_version=" + SCHEMA);
            s.execute("COMMIT");
            return db;
        } catch (SQLException e) {
            db.close();
            throw failure("cannot create", e);
        }
    }

    /** Opens the database of an existing CA. */
    public static CaDatabase open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw HsmkitException.input("the CA has no issuance database " + file,
                    "restore it from a backup; a CA directory without its database cannot issue or revoke");
        }
        CaDatabase db = connect(file, false);
        try (Statement s = db.connection.createStatement(); ResultSet r = s.executeQuery("PRAGMA user_version")) {
            int version = r.next() ? r.getInt(1) : 0;
            if (version != SCHEMA) {
                db.close();
                throw HsmkitException.input(file + " has database schema " + version + ", this hsmkit reads " + SCHEMA,
                        "use the hsmkit version that made it");
            }
            return db;
        } catch (SQLException e) {
            db.close();
            throw failure("cannot read", e);
        }
    }

    private static CaDatabase connect(Path file, boolean create) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setOpenMode(org.sqlite.SQLiteOpenMode.READWRITE);
        if (create) {
            config.setOpenMode(org.sqlite.SQLiteOpenMode.CREATE);
        }
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            return new CaDatabase(file, source.getConnection());
        } catch (SQLException e) {
            throw failure("cannot open", new SQLException(e.getMessage(), e));
        }
    }

    /**
     * Runs {@code work} in one write transaction ({@code BEGIN IMMEDIATE} … {@code COMMIT}); any
     * exception rolls it back and is passed on.
     */
    public <T> T write(Work<T> work) {
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
        } catch (SQLException e) {
            throw failure("cannot lock", e);
        }
        boolean done = false;
        try {
            T result = work.run(this);
            try (Statement s = connection.createStatement()) {
                s.execute("COMMIT");
            }
            done = true;
            return result;
        } catch (SQLException e) {
            throw failure("cannot write", e);
        } finally {
            if (!done) {
                try (Statement s = connection.createStatement()) {
                    s.execute("ROLLBACK");
                } catch (SQLException ignored) {
                    // the connection is closed next; SQLite rolls back what did not commit
                }
            }
        }
    }

    public boolean serialExists(BigInteger serial) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("SELECT 1 FROM certificate WHERE serial = ?")) {
            p.setString(1, serial.toString(16));
            try (ResultSet r = p.executeQuery()) {
                return r.next();
            }
        }
    }

    /** Subjects (DER) holding an unrevoked certificate for the key with this hash. */
    public List<byte[]> unrevokedSubjectsOfKey(String keyHash) throws SQLException {
        List<byte[]> out = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT subject_der FROM certificate WHERE key_hash = ? AND revoked_at IS NULL")) {
            p.setString(1, keyHash);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(r.getBytes(1));
                }
            }
        }
        return out;
    }

    /** As {@link #unrevokedSubjectsOfKey}, outside a transaction. */
    public List<byte[]> unrevokedSubjectsOfKeyChecked(String keyHash) {
        try {
            return unrevokedSubjectsOfKey(keyHash);
        } catch (SQLException e) {
            throw failure("cannot read", e);
        }
    }

    public void insert(BigInteger serial, String subject, byte[] subjectDer, String keyHash, String profile, long notBefore,
            long notAfter, long issuedAt, byte[] der) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO certificate (serial, subject, subject_der,"
                + " key_hash, profile, not_before, not_after, issued_at, der) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            p.setString(1, serial.toString(16));
            p.setString(2, subject);
            p.setBytes(3, subjectDer);
            p.setString(4, keyHash);
            p.setString(5, profile);
            p.setLong(6, notBefore);
            p.setLong(7, notAfter);
            p.setLong(8, issuedAt);
            p.setBytes(9, der);
            p.executeUpdate();
        }
    }

    /** Marks a certificate revoked; false when it was revoked already. */
    public boolean revoke(BigInteger serial, long at, int reason) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(
                "UPDATE certificate SET revoked_at = ?, reason = ? WHERE serial = ? AND revoked_at IS NULL")) {
            p.setLong(1, at);
            p.setInt(2, reason);
            p.setString(3, serial.toString(16));
            return p.executeUpdate() == 1;
        }
    }

    /** One certificate with its DER, or empty. */
    public Optional<Row> find(BigInteger serial) {
        return query("SELECT " + COLUMNS + ", der FROM certificate WHERE serial = ?", serial.toString(16), true)
                .stream().findFirst();
    }

    /** Every certificate, oldest first, without DER. */
    public List<Row> all() {
        return query("SELECT " + COLUMNS + " FROM certificate ORDER BY issued_at, serial", null, false);
    }

    /** Revoked certificates that have not expired by {@code now}, without DER. */
    public List<Row> revokedUnexpired(long now) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement("SELECT " + COLUMNS
                + " FROM certificate WHERE revoked_at IS NOT NULL AND not_after > ? ORDER BY revoked_at")) {
            p.setLong(1, now);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(row(r, false));
                }
            }
        }
        return out;
    }

    /** The CRL number the next CRL gets: one more than the last one stored (1 for the first). */
    public BigInteger nextCrlNumber() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(number) FROM crl")) {
            long last = r.next() ? r.getLong(1) : 0;
            return BigInteger.valueOf(last + 1);
        }
    }

    public void insertCrl(BigInteger number, long thisUpdate, long nextUpdate, byte[] der) throws SQLException {
        try (PreparedStatement p = connection.prepareStatement(
                "INSERT INTO crl (number, this_update, next_update, der) VALUES (?, ?, ?, ?)")) {
            p.setLong(1, number.longValueExact());
            p.setLong(2, thisUpdate);
            p.setLong(3, nextUpdate);
            p.setBytes(4, der);
            p.executeUpdate();
        }
    }

    /** The DER of the newest CRL, or empty. */
    public Optional<byte[]> latestCrl() {
        try (Statement s = connection.createStatement();
                ResultSet r = s.executeQuery("SELECT der FROM crl ORDER BY number DESC LIMIT 1")) {
            return r.next() ? Optional.of(r.getBytes(1)) : Optional.empty();
        } catch (SQLException e) {
            throw failure("cannot read", e);
        }
    }

    /** SQLite's own consistency check: "ok" or the problems it finds. */
    public String integrityCheck() {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
            List<String> lines = new ArrayList<>();
            while (r.next()) {
                lines.add(r.getString(1));
            }
            return String.join("; ", lines);
        } catch (SQLException e) {
            throw failure("cannot check", e);
        }
    }

    private static final String COLUMNS = "serial, subject, profile, not_before, not_after, issued_at, revoked_at, reason";

    private List<Row> query(String sql, String parameter, boolean withDer) {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            if (parameter != null) {
                p.setString(1, parameter);
            }
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(row(r, withDer));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failure("cannot read", e);
        }
    }

    private static Row row(ResultSet r, boolean withDer) throws SQLException {
        long revoked = r.getLong(7);
        Long revokedAt = r.wasNull() ? null : revoked;
        int reason = r.getInt(8);
        Integer reasonCode = r.wasNull() ? null : reason;
        return new Row(new BigInteger(r.getString(1), 16), r.getString(2), r.getString(3), r.getLong(4), r.getLong(5),
                r.getLong(6), revokedAt, reasonCode, withDer ? r.getBytes(9) : null);
    }

    private static HsmkitException failure(String what, SQLException e) {
        boolean busy = e instanceof SQLiteException s
                && (s.getResultCode() == SQLiteErrorCode.SQLITE_BUSY || s.getResultCode() == SQLiteErrorCode.SQLITE_LOCKED);
        if (busy) {
            return new HsmkitException(ErrorKind.IO, "the CA database is busy: another process held it for "
                    + BUSY_TIMEOUT_MS / 1000 + " s", "run the command again when the other 'hsmkit ca' command has finished", e);
        }
        return new HsmkitException(ErrorKind.IO, what + " the CA database: " + e.getMessage(),
                "check that the CA directory is writable and the disk not full; 'hsmkit ca list' reads what is recorded", e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing uncommitted is kept, whatever closing says
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
