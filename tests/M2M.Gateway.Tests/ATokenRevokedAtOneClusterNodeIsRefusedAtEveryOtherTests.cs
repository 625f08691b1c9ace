using M2M.Gateway.Tokens;
using M2M.Gateway.Tokens.Revocation;
using M2M.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace M2M.Gateway.Tests;

/// <summary>
/// In Cluster mode a revocation (RFC 7009) is stored in the shared PostgreSQL database and told to
/// every node over LISTEN/NOTIFY: the other node refuses the token, and ends the sessions using it
/// (its TokenRevoked event), at once, well before its periodic reload (30 s) could have found it; a
/// node that starts later loads it; and a revocation that is already there counts once.
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

    private static RevokedToken Token(string jti) => new(jti, "sensor-0001", "acme", DateTimeOffset.UtcNow.AddHours(1));

    private RevokedTokens Node()
    {
        var dataSource = NpgsqlDataSource.Create(_server.ConnectionString);
        _dataSources.Add(dataSource);
        var node = new RevokedTokens(new PostgresRevocationStore(dataSource, NullLogger<PostgresRevocationStore>.Instance), TimeProvider.System, Options.Create(new TokenOptions()));
        _nodes.Add(node);
        return node;
    }
}
