using M2M.Gateway.Tokens.Assertion;
using M2M.Testing;
using Npgsql;

namespace M2M.Gateway.Tests;

/// <summary>
/// In Cluster mode the used assertion ids (docs/protocol.md section 3.2 rule 5) are one set in the
/// shared PostgreSQL database: an assertion spent at one node is refused at every other, two nodes
/// racing on one assertion let exactly one of them spend it, and an id is forgotten only after its
/// assertion's expiry plus skew, as on one gateway.
/// </summary>
public sealed class AnAssertionSpentAtOneClusterNodeIsRefusedAtEveryOtherTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private PostgresServer _server = null!;

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }

        await _server.DisposeAsync();
    }

    [Fact]
    public async Task SpentAtOneNodeRefusedAtTheOtherUntilItsExpiry()
    {
        using var a = Node();
        using var b = Node();
        var until = Now.AddMinutes(5);

        Assert.True(await a.TryConsumeAsync("sensor-0001", "jti-1", Now, until, default));
        Assert.False(await b.TryConsumeAsync("sensor-0001", "jti-1", Now, until, default));

        // Another device's assertion with the same id is its own.
        Assert.True(await b.TryConsumeAsync("sensor-0002", "jti-1", Now, until, default));

        // Past its expiry plus skew it is forgotten: the claims check refuses it by then anyway.
        Assert.True(await b.TryConsumeAsync("sensor-0001", "jti-1", until, until.AddMinutes(5), default));
    }

    [Fact]
    public async Task TwoNodesRacingOnOneAssertionSpendItOnce()
    {
        using var a = Node();
        using var b = Node();
        for (var i = 0; i < 50; i++)
        {
            var jti = $"race-{i}";
            var results = await Task.WhenAll(
                Task.Run(() => a.TryConsumeAsync("sensor-0001", jti, Now, Now.AddMinutes(5), default)),
                Task.Run(() => b.TryConsumeAsync("sensor-0001", jti, Now, Now.AddMinutes(5), default)));
            Assert.Single(results, spent => spent);
        }
    }

    private PostgresJtiStore Node()
    {
        var dataSource = NpgsqlDataSource.Create(_server.ConnectionString);
        _dataSources.Add(dataSource);
        return new PostgresJtiStore(dataSource);
    }
}
