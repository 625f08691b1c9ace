using M2M.Gateway.Access;
using M2M.Gateway.Commands;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace M2M.Gateway.Tests;

/// <summary>
/// Two gateways writing the same registry at the same moment keep every guarantee one gateway
/// gives (docs/admin-api.md): an id is registered once, a secret is rotated once from one
/// generation, a device's command sequence numbers are never handed out twice, and revoking the
/// last two global admin keys at once leaves one. On SQLite two processes share the file's write
/// lock; in Cluster mode the nodes share PostgreSQL and the stores take row or table locks there.
/// Each case starts many writes on both nodes together, so a lost guarantee shows as a count.
/// </summary>
public sealed class ConcurrentWritesOnTwoNodesKeepTheRegistrysGuaranteesTests
{
    private const int Rounds = 20;

    [Theory]
    [InlineData(RegistryEngine.Sqlite)]
    [InlineData(RegistryEngine.Postgres)]
    public async Task AnIdRegisteredOnTwoNodesAtOnceIsRegisteredOnce(RegistryEngine engine)
    {
        await using var store = await TempRegistry.StartAsync(engine);
        var other = new SqlDeviceRegistry(store.AnotherNode(), store.Protector, TimeProvider.System);
        for (var round = 0; round < Rounds; round++)
        {
            var id = $"sensor-{round:D4}";
            if (round % 2 == 1)
            {
                // A tombstone brought back on both nodes at once: one new generation, once.
                await store.Registry.AddAsync(id, "acme", [], default);
                await store.Registry.DeleteAsync(id, default);
            }

            var results = await Task.WhenAll(store.Registry.AddAsync(id, "acme", [], default), other.AddAsync(id, "globex", [], default));

            var winner = Assert.Single(results, r => r != null)!;
            var stored = (await other.FindCredentialAsync(id, default))!;
            Assert.Equal(winner.Secret.ToArray(), stored.Secret.ToArray());
            Assert.Equal(winner.Device.Tenant, stored.Device.Tenant);
            Assert.Equal(round % 2 == 1 ? 2 : 1, stored.Device.CredentialGeneration);
        }
    }

    [Theory]
    [InlineData(RegistryEngine.Sqlite)]
    [InlineData(RegistryEngine.Postgres)]
    public async Task ASecretReplacedFromOneGenerationOnTwoNodesAtOnceIsReplacedOnce(RegistryEngine engine)
    {
        await using var store = await TempRegistry.StartAsync(engine);
        var other = new SqlDeviceRegistry(store.AnotherNode(), store.Protector, TimeProvider.System);
        await store.Registry.AddAsync("sensor-0001", "acme", [], default);
        for (var generation = 1L; generation <= Rounds; generation++)
        {
            var results = await Task.WhenAll(
                store.Registry.ReplaceSecretAsync("sensor-0001", new byte[32], generation, default),
                other.ReplaceSecretAsync("sensor-0001", Enumerable.Repeat((byte)1, 32).ToArray(), generation, default));

            var winner = Assert.Single(results, r => r != null)!;
            Assert.Equal(generation + 1, winner.Device.CredentialGeneration);
            Assert.Equal(winner.Secret.ToArray(), (await store.Registry.FindCredentialAsync("sensor-0001", default))!.Secret.ToArray());
        }
    }

    [Theory]
    [InlineData(RegistryEngine.Sqlite)]
    [InlineData(RegistryEngine.Postgres)]
    public async Task CommandsQueuedOnTwoNodesAtOnceNeverShareASequenceNumber(RegistryEngine engine)
    {
        await using var store = await TempRegistry.StartAsync(engine);
        var nodes = new[] { new CommandStore(store.Node), new CommandStore(store.AnotherNode()) };
        var now = DateTimeOffset.UtcNow;

        var queued = await Task.WhenAll(Enumerable.Range(0, Rounds * 2).Select(i =>
            Task.Run(() => nodes[i % 2].QueueAsync("sensor-0001", "reboot", "{}", now, now.AddHours(1), default))));

        Assert.Equal(Enumerable.Range(1, Rounds * 2).Select(i => (long)i), queued.Select(c => c.Sequence).Order());
        Assert.Equal(Rounds * 2, (await nodes[1].ListAsync("sensor-0001", 1000, default)).Count);
    }

    [Theory]
    [InlineData(RegistryEngine.Sqlite)]
    [InlineData(RegistryEngine.Postgres)]
    public async Task RevokingTheLastTwoAdminKeysOnTwoNodesAtOnceLeavesOne(RegistryEngine engine)
    {
        await using var store = await TempRegistry.StartAsync(engine);
        await using var first = new ApiKeyStore(store.Node, TimeProvider.System, NullLogger<ApiKeyStore>.Instance);
        await using var second = new ApiKeyStore(store.AnotherNode(), TimeProvider.System, NullLogger<ApiKeyStore>.Instance);
        // Each round begins with exactly two active global admin keys and revokes both at once.
        var pair = (A: (await first.CreateAsync("a", [AccessRoles.Admin], null, null, default)).Key.Id, B: (await first.CreateAsync("b", [AccessRoles.Admin], null, null, default)).Key.Id);
        for (var round = 0; round < Rounds; round++)
        {
            var changes = await Task.WhenAll(
                Task.Run(() => first.RevokeAsync(pair.A, default)),
                Task.Run(() => second.RevokeAsync(pair.B, default)));

            Assert.Single(changes, c => c == KeyChange.Done);
            Assert.Single(changes, c => c == KeyChange.LastAdminKey);
            var survivor = changes[0] == KeyChange.Done ? pair.B : pair.A;
            Assert.Equal("active", (await second.FindAsync(survivor, default))!.State(DateTimeOffset.UtcNow));
            pair = (survivor, (await second.CreateAsync("next", [AccessRoles.Admin], null, null, default)).Key.Id);
        }
    }
}
