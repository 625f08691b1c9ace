using System.Globalization;
using System.Text;
using M2M.Gateway.Cluster;
using M2M.Gateway.Secrets;
using Npgsql;

namespace M2M.Gateway.Keys;

/// <summary>
/// The signing key ring in the cluster's PostgreSQL database (part <see cref="Part"/>, table
/// <c>signing_keys</c>; each private key encrypted with the master key exactly as in the file), so
/// every node signs with the same current key and publishes the same JWKS: a token issued by one
/// node validates on every other. A change (the first key, a successor, a retirement) runs under a
/// transaction-level advisory lock, re-deciding on the keys as stored at that moment, so the cluster
/// creates each key once however many nodes decide together.
/// <para>
/// Every node must hold the same master key. The first node to start stores a key check value
/// (<c>master_key_check</c>: a constant encrypted with its master key, AES-GCM); a node whose key
/// cannot decrypt it refuses to start (<see cref="MasterKeyException"/>) before it reads or writes
/// anything encrypted. The check value reveals nothing of the key.
/// </para>
/// </summary>
public sealed class PostgresKeyRingStore(NpgsqlDataSource dataSource, ISecretProtector protector) : IKeyRingStore, IDisposable
{
    /// <summary>The part name in <c>m2m_schema</c>.</summary>
    public const string Part = "keys";

    // pg_advisory_xact_lock key of key ring changes: "m2mkeys" in ASCII.
    private const long LockKey = 0x6D326D6B657973;
    private const string CheckPurpose = "m2m/master-key-check";
    private static readonly byte[] CheckPlaintext = Encoding.ASCII.GetBytes("m2m master key check v1");

    /// <summary>Forward migrations; only ever append.</summary>
    internal static readonly string[] Migrations =
    [
        // 1: the keys (times in Unix milliseconds, the private key as base64 of its AES-GCM
        // ciphertext under the master key, purpose m2m/signing-key/{kid}) and the master key check value.
        """
        CREATE TABLE signing_keys (
            key_id text COLLATE "C" NOT NULL PRIMARY KEY,
            created_at bigint NOT NULL,
            activates_at bigint NOT NULL,
            protected_key text NOT NULL
        );
        CREATE TABLE master_key_check (
            id integer NOT NULL PRIMARY KEY CHECK (id = 1),
            check_value bytea NOT NULL
        );
        """,
    ];

    private readonly PostgresSchema _schema = new(dataSource, Part, Migrations);
    private volatile bool _checked;

    /// <inheritdoc />
    public bool IsShared => true;

    /// <inheritdoc />
    public IReadOnlyList<StoredKey> Load()
    {
        using var connection = Open();
        return Read(connection, null);
    }

    /// <inheritdoc />
    public IReadOnlyList<StoredKey> Update(Func<IReadOnlyList<StoredKey>, IReadOnlyList<StoredKey>?> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({LockKey})"));
        var keys = Read(connection, transaction);
        if (change(keys) is not { } changed)
        {
            return keys;
        }

        var kept = changed.Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in keys.Where(k => !kept.Contains(k.KeyId)))
        {
            Execute(connection, transaction, "DELETE FROM signing_keys WHERE key_id = @id", ("id", gone.KeyId));
        }

        var known = keys.Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
        foreach (var added in changed.Where(k => !known.Contains(k.KeyId)))
        {
            Execute(
                connection,
                transaction,
                "INSERT INTO signing_keys (key_id, created_at, activates_at, protected_key) VALUES (@id, @created, @activates, @key)",
                ("id", added.KeyId),
                ("created", added.CreatedAt),
                ("activates", added.ActivatesAt),
                ("key", added.ProtectedKey));
        }

        transaction.Commit();
        return changed;
    }

    public void Dispose() => _schema.Dispose();

    private NpgsqlConnection Open()
    {
        // At start (the ring loads in its constructor) and rarely after: a blocking call is fine here.
        var connection = _schema.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        try
        {
            if (!_checked)
            {
                CheckMasterKey(connection);
                _checked = true;
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Stores the check value if the cluster has none yet; refuses a master key that cannot decrypt it.</summary>
    private void CheckMasterKey(NpgsqlConnection connection)
    {
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, string.Create(CultureInfo.InvariantCulture, $"SELECT pg_advisory_xact_lock({LockKey})"));
        using var read = new NpgsqlCommand("SELECT check_value FROM master_key_check WHERE id = 1", connection, transaction);
        if (read.ExecuteScalar() is byte[] stored)
        {
            if (protector.Unprotect(stored, CheckPurpose) is not { } plaintext || !plaintext.AsSpan().SequenceEqual(CheckPlaintext))
            {
                throw new MasterKeyException(
                    "This node's master key is not the cluster's: the shared PostgreSQL database's master key check value does not decrypt with it, "
                    + "so it could read no device secret or signing key the other nodes wrote. Give every node the same master key "
                    + $"({MasterKey.EnvironmentVariable}, or the same {MasterKey.FileName}) and start it again.");
            }

            return;
        }

        Execute(connection, transaction, "INSERT INTO master_key_check (id, check_value) VALUES (1, @value)", ("value", protector.Protect(CheckPlaintext, CheckPurpose)));
        transaction.Commit();
    }

    private static List<StoredKey> Read(NpgsqlConnection connection, NpgsqlTransaction? transaction)
    {
        using var command = new NpgsqlCommand("SELECT key_id, created_at, activates_at, protected_key FROM signing_keys ORDER BY activates_at, key_id", connection, transaction);
        using var reader = command.ExecuteReader();
        var keys = new List<StoredKey>();
        while (reader.Read())
        {
            keys.Add(new StoredKey(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3)));
        }

        return keys;
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }
}

/// <summary>Loads the shared key ring when a cluster node starts (checking its master key against the cluster's), so a mismatch stops the start.</summary>
internal sealed partial class LoadSharedKeyRing(SigningKeyRing ring, ILogger<LoadSharedKeyRing> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogLoaded(logger, ring.Current.KeyId, ring.Published.Count);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shared signing key ring loaded: current key {KeyId}, {Published} published")]
    private static partial void LogLoaded(ILogger logger, string keyId, int published);
}
