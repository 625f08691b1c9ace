using M2M.Gateway.Tokens;
using M2M.Gateway.Tokens.Revocation;
using M2M.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace M2M.Gateway.Tests;

/// <summary>
/// In Cluster mode a revocation (RFC 7009) is stored in the shared PostgreSQL database and told to
/// every node over LISTEN/NOTIFY: the other node refuses the token, and ends the sessions using it
/// (its TokenRevoked event), at once, well before its periodic reload (30 s) could have found it; a
/// node that starts later loads it; and a revocation that is already there counts once. A
/// revocation whose notice was lost is found by the periodic reload, on the node's injected clock:
/// seen failing with the reload taken out of the listener's loop.
/// </summary>
public sealed class ATokenRevokedAtOneClusterNodeIsRefusedAtEveryOtherTests : IAsyncLifetime
{
    private static readonly TimeSpan Notice = TimeSpan.FromSeconds(10);
    private readonly List<IDisposable> _nodes = [];
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private PostgresServer _server = null!;

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task TheOtherNodeRefusesItAndEndsItsSessionsAtOnce()
    {
        var a = Node();
        var b = Node();
        var heard = new List<string>();
        b.TokenRevoked += (_, device) =>
        {
            lock (heard)
            {
                heard.Add(device);
            }
        };

        Assert.True(await a.RevokeAsync(Token("jti-1"), "test", default));

        await Eventually.TrueAsync(() => b.IsRevoked("jti-1"), "node B refuses the token node A revoked", Notice);
        await Eventually.TrueAsync(() => { lock (heard) { return heard.Contains("sensor-0001"); } }, "node B ends the device's sessions", Notice);

        // Revoking it again at B changes nothing: it is revoked already, cluster-wide.
        Assert.False(await b.RevokeAsync(Token("jti-1"), "test", default));

        // A node that starts afterwards knows it from the start.
        Assert.True(Node().IsRevoked("jti-1"));
        Assert.False(Node().IsRevoked("jti-2"));
    }

    [Fact]
    public async Task ARevocationWhoseNoticeWasLostIsRefusedAfterTheNextReload()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var a = Node(clock);
        var b = Node(clock);

        // Once B has heard a notice, its listener is up and has read the table.
        Assert.True(await a.RevokeAsync(Token("jti-1"), "test", default));
        await Eventually.TrueAsync(() => b.IsRevoked("jti-1"), "node B hears node A's revocation", Notice);

        // A revocation stored without its notice, then one with: once B has heard the second, it has
        // had every notice sent before it, and none told it of the first.
        await StoreWithoutNoticeAsync(Token("jti-lost"));
        Assert.True(await a.RevokeAsync(Token("jti-2"), "test", default));
        await Eventually.TrueAsync(() => b.IsRevoked("jti-2"), "node B hears the revocation after the lost one", Notice);
        Assert.False(b.IsRevoked("jti-lost"));

        // The reload, due one interval on B's clock after the last, finds it.
        clock.Advance(PostgresRevocationStore.ReloadInterval);
        await Eventually.TrueAsync(() => b.IsRevoked("jti-lost"), "node B's reload finds the revocation whose notice was lost", Notice);
    }

    private static RevokedToken Token(string jti) => new(jti, "sensor-0001", "acme", DateTimeOffset.UtcNow.AddHours(1));

    private RevokedTokens Node(TimeProvider? clock = null)
    {
        var dataSource = NpgsqlDataSource.Create(_server.ConnectionString);
        _dataSources.Add(dataSource);
        clock ??= TimeProvider.System;
        var node = new RevokedTokens(new PostgresRevocationStore(dataSource, clock, NullLogger<PostgresRevocationStore>.Instance), clock, Options.Create(new TokenOptions()));
        _nodes.Add(node);
        return node;
    }

    /// <summary>Stores the revocation row as a node does, without the notification its statement sends.</summary>
    private async Task StoreWithoutNoticeAsync(RevokedToken token)
    {
        await using var connection = new NpgsqlConnection(_server.ConnectionString);
        await connection.OpenAsync();
        await using var insert = new NpgsqlCommand(
            "INSERT INTO revoked_tokens (jti, device_id, tenant, remember_until, revoked_at, revoked_by) VALUES (@jti, @device, @tenant, @until, @now, 'test')", connection);
        insert.Parameters.AddWithValue("jti", token.TokenId);
        insert.Parameters.AddWithValue("device", token.DeviceId);
        insert.Parameters.AddWithValue("tenant", token.Tenant);
        insert.Parameters.AddWithValue("until", token.ExpiresAt.ToUnixTimeSeconds());
        insert.Parameters.AddWithValue("now", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal(1, await insert.ExecuteNonQueryAsync());
    }
}
