using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Npgsql;

namespace M2M.Gateway.Tests;

/// <summary>
/// In Cluster mode the registry's schema lives in the shared PostgreSQL database (part "registry"
/// of m2m_schema): nodes starting together create it once (the others wait on the migration lock,
/// then find it done), and a database a newer gateway migrated is refused with a message that says
/// so, before this node reads or writes anything.
/// </summary>
public sealed class NodesStartingTogetherMigrateTheSharedRegistryOnceTests : IAsyncLifetime
{
    private PostgresServer _server = null!;
    private readonly List<NpgsqlDataSource> _nodes = [];

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task ThreeNodesStartingTogetherMigrateOnceAndAllServe()
    {
        var nodes = Enumerable.Range(0, 3).Select(_ => new PostgresRegistryDatabase(Node())).ToArray();

        await Task.WhenAll(nodes.Select(n => Task.Run(() => n.MigrateAsync(default))));

        Assert.Equal(PostgresRegistryDatabase.CurrentVersion, await VersionAsync());
        using var keyFolder = new TempRegistry();
        var added = await new SqlDeviceRegistry(nodes[0], keyFolder.Protector, TimeProvider.System).AddAsync("sensor-0001", "acme", [], default);
        var found = await new SqlDeviceRegistry(nodes[2], keyFolder.Protector, TimeProvider.System).FindCredentialAsync("sensor-0001", default);
        Assert.Equal(added!.Secret.ToArray(), found!.Secret.ToArray());
    }

    [Fact]
    public async Task ADatabaseMigratedByANewerGatewayIsRefused()
    {
        await new PostgresRegistryDatabase(Node()).MigrateAsync(default);
        await using (var command = Node().CreateCommand($"UPDATE m2m_schema SET version = {PostgresRegistryDatabase.CurrentVersion + 1} WHERE part = 'registry'"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new PostgresRegistryDatabase(Node()).OpenAsync(default));
        Assert.Contains("'registry'", error.Message, StringComparison.Ordinal);
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    private NpgsqlDataSource Node()
    {
        var node = NpgsqlDataSource.Create(_server.ConnectionString);
        _nodes.Add(node);
        return node;
    }

    private async Task<int> VersionAsync()
    {
        await using var command = Node().CreateCommand("SELECT version FROM m2m_schema WHERE part = 'registry'");
        return (int)(await command.ExecuteScalarAsync())!;
    }
}
