using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using Microsoft.Data.Sqlite;

namespace M2M.Gateway.Tests;

/// <summary>registry.db carries its schema version; an older file is migrated forward with its devices, a newer one is refused.</summary>
public sealed class RegistryMigratesFromOlderSchemaTests
{
    [Fact]
    public async Task AVersion1FileIsMigratedToTheCurrentVersionAndKeepsItsDevices()
    {
        using var store = new TempRegistry();
        store.Database.MigrateTo(1);
        Assert.Equal(1, Version(store));
        var added = await AddAtVersion1Async(store, "sensor-0001");

        // A gateway of the current version opens it.
        var reopened = new SqlDeviceRegistry(new RegistryDatabase(store.Folder), store.Protector, TimeProvider.System);
        var credential = await reopened.FindCredentialAsync("sensor-0001", CancellationToken.None);

        Assert.Equal(RegistryDatabase.CurrentVersion, Version(store));
        Assert.NotNull(credential);
        Assert.Equal(added, credential.Secret.ToArray());
        Assert.Equal("acme", credential.Device.Tenant);
        Assert.Equal(1, Count(store, "SELECT count(*) FROM sqlite_master WHERE name = 'admin_keys';"));
    }

    [Fact]
    public async Task AVersion2DeviceTakesItsCreationAsItsCredentialSinceAndKeepsItsGenerationWhenDeleted()
    {
        using var store = new TempRegistry();
        store.Database.MigrateTo(2);
        await AddAtVersion1Async(store, "sensor-0001");

        var registry = new SqlDeviceRegistry(new RegistryDatabase(store.Folder), store.Protector, TimeProvider.System);
        var migrated = await registry.FindAsync("sensor-0001", CancellationToken.None);

        Assert.Equal(RegistryDatabase.CurrentVersion, Version(store));
        Assert.NotNull(migrated);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225600000), migrated.CreatedAt);
        Assert.Equal(migrated.CreatedAt, migrated.CredentialSince);
        Assert.Equal(RegistryResult.Ok, await registry.DeleteAsync("sensor-0001", CancellationToken.None));
        Assert.Equal(2, (await registry.AddAsync("sensor-0001", "acme", [], CancellationToken.None))!.Device.CredentialGeneration);
    }

    [Fact]
    public async Task AVersion3AdminKeyBecomesTheBootstrapKeyAGlobalAdmin()
    {
        using var store = new TempRegistry();
        store.Database.MigrateTo(3);
        Execute(store, "INSERT INTO admin_keys (id, hash, created_at) VALUES ('ak-0123456789abcdef', X'00', 1767225600000);");

        await using var keys = new M2M.Gateway.Access.ApiKeyStore(new RegistryDatabase(store.Folder), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<M2M.Gateway.Access.ApiKeyStore>.Instance);
        var key = await keys.FindAsync("ak-0123456789abcdef", CancellationToken.None);

        Assert.Equal(RegistryDatabase.CurrentVersion, Version(store));
        Assert.NotNull(key);
        Assert.Equal("bootstrap", key.Name);
        Assert.Equal(["admin"], key.Roles);
        Assert.Null(key.Tenant);
        Assert.Equal(key.CreatedAt, key.SecretSince);
        Assert.Equal("active", key.State(DateTimeOffset.UtcNow));
    }

    [Fact]
    public void MigratingTwiceChangesNothing()
    {
        using var store = new TempRegistry();
        store.Database.EnsureMigrated();
        new RegistryDatabase(store.Folder).EnsureMigrated();

        Assert.Equal(RegistryDatabase.CurrentVersion, Version(store));
    }

    [Fact]
    public void AFileFromANewerGatewayIsRefused()
    {
        using var store = new TempRegistry();
        store.Database.EnsureMigrated();
        Execute(store, $"PRAGMA user_version = {RegistryDatabase.CurrentVersion + 1};");

        var error = Assert.Throws<InvalidOperationException>(() => new RegistryDatabase(store.Folder).EnsureMigrated());

        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    // Writes a device the way a version-1 or version-2 gateway did (their devices tables are alike).
    private static async Task<byte[]> AddAtVersion1Async(TempRegistry store, string id)
    {
        var secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        using var connection = new SqliteConnection($"Data Source={store.Database.Path}");
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO devices VALUES ($id, 'acme', '[\"reader\"]', 1, 1, $secret, 1767225600000, NULL);";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$secret", store.Protector.Protect(secret, SqlDeviceRegistry.SecretPurpose(id, 1)));
        await command.ExecuteNonQueryAsync();
        return secret;
    }

    private static long Version(TempRegistry store) => Count(store, "PRAGMA user_version;");

    private static long Count(TempRegistry store, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={store.Database.Path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(TempRegistry store, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={store.Database.Path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
