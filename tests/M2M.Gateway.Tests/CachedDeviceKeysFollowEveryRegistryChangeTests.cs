using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// The registry's records and derived keys are cached (docs/tokens.md, "Registry look-ups"), and the
/// cache never decides with a record an operator has changed: a change through the registry (disable,
/// rotate, delete, register again) is seen at once, also by whoever hears the change event from the
/// cache; a look-up that read the registry before a change does not keep its answer; and a change
/// made by another process on the same registry (the same registry.db, or the cluster's PostgreSQL
/// database; no event) is seen once the cache lifetime (the
/// ingress's revalidation interval) has passed, at once by a reload, and by the periodic revalidation
/// of the whole cache, which renews what is unchanged and drops what is not looked up any more. The
/// clock is the test's: nothing expires unless the test moves it.
/// </summary>
public sealed class CachedDeviceKeysFollowEveryRegistryChangeTests : IDisposable
{
    private const string DeviceId = "sensor-0001";
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _time = TestClock.Fixed();
    private readonly TempRegistry _store;

    public CachedDeviceKeysFollowEveryRegistryChangeTests() => _store = new TempRegistry(_time);

    public void Dispose() => _store.Dispose();

    [Theory]
    [InlineData("disable")]
    [InlineData("rotate")]
    [InlineData("delete")]
    [InlineData("delete and register again")]
    public async Task AChangeThroughTheRegistryIsSeenAtOnceAndBeforeItsEvent(string change)
    {
        await _store.Registry.AddAsync(DeviceId, "acme", [], default);
        using var cache = new DeviceKeyCache(_store.Registry, _time, Lifetime);
        var before = (await cache.FindAsync(DeviceId, default))!;

        // Whoever hears the change from the cache (the ingress's sessions) reads the new record.
        var heard = new List<DeviceKeys?>();
        cache.DeviceChanged += (_, id) => heard.Add(cache.FindAsync(id, default).AsTask().GetAwaiter().GetResult());
        var expected = await ChangeAsync(_store.Registry, change);

        var after = await cache.FindAsync(DeviceId, default);
        AssertIs(expected, after);
        Assert.NotEmpty(heard);
        AssertIs(expected, heard[^1]);
        if (after != null)
        {
            Assert.NotEqual(before, after);
        }
    }

    /// <summary>Every change, on each engine another gateway can share the registry on (the same registry.db, or the cluster's PostgreSQL).</summary>
    public static TheoryData<RegistryEngine, string> ChangesOnEachEngine()
    {
        var data = new TheoryData<RegistryEngine, string>();
        foreach (var engine in Enum.GetValues<RegistryEngine>())
        {
            foreach (var change in new[] { "disable", "rotate", "delete", "delete and register again" })
            {
                data.Add(engine, change);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ChangesOnEachEngine))]
    public async Task AChangeByAnotherProcessIsSeenWithinTheLifetimeAndByAReloadAtOnce(RegistryEngine engine, string change)
    {
        await using var store = await TempRegistry.StartAsync(engine, _time);
        await store.Registry.AddAsync(DeviceId, "acme", [], default);
        using var reloaded = new DeviceKeyCache(store.Registry, _time, Lifetime);
        using var expiring = new DeviceKeyCache(store.Registry, _time, Lifetime);
        await reloaded.FindAsync(DeviceId, default);
        await expiring.FindAsync(DeviceId, default);

        // A second registry on the same database, as another gateway sharing it: these caches hear nothing.
        var expected = await ChangeAsync(new SqlDeviceRegistry(store.AnotherNode(), store.Protector, _time), change);

        AssertIs(expected, await reloaded.ReloadAsync(DeviceId, default));
        _time.Advance(Lifetime);
        AssertIs(expected, await expiring.FindAsync(DeviceId, default));
    }

    [Theory]
    [MemberData(nameof(ChangesOnEachEngine))]
    public async Task ARevalidationRenewsUnchangedEntriesAndDropsChangedOnes(RegistryEngine engine, string change)
    {
        const string Unchanged = "sensor-0002";
        await using var store = await TempRegistry.StartAsync(engine, _time);
        await store.Registry.AddAsync(DeviceId, "acme", [], default);
        var kept = (await store.Registry.AddAsync(Unchanged, "acme", ["reader"], default))!;
        var watched = new WatchedRegistry(store.Registry);
        using var cache = new DeviceKeyCache(watched, _time, Lifetime);
        await cache.FindAsync(DeviceId, default);
        await cache.FindAsync(Unchanged, default);

        // Changed by another process: nothing is announced, only the revalidation can see it.
        var expected = await ChangeAsync(new SqlDeviceRegistry(store.AnotherNode(), store.Protector, _time), change);
        _time.Advance(Lifetime * 0.6);
        await cache.RevalidateAsync(default);
        _time.Advance(Lifetime * 0.6);

        // Past the first read's lifetime: the unchanged device is served without reading the registry again.
        var reads = watched.CredentialReads;
        AssertIs(new Expected(true, kept.Device.CredentialGeneration, kept.Secret.ToArray()), await cache.FindAsync(Unchanged, default));
        Assert.Equal(reads, watched.CredentialReads);
        AssertIs(expected, await cache.FindAsync(DeviceId, default));
    }

    [Theory]
    [InlineData(RegistryEngine.Sqlite)]
    [InlineData(RegistryEngine.Postgres)]
    public async Task ARevalidationReadsMoreEntriesThanOneRegistryStatementTakes(RegistryEngine engine)
    {
        // More ids than SqlDeviceRegistry asks for in one statement, so the last chunk counts too.
        await using var store = await TempRegistry.StartAsync(engine, _time);
        var ids = Enumerable.Range(0, 1001).Select(i => $"sensor-{i:D4}").ToArray();
        foreach (var id in ids)
        {
            await store.Registry.AddAsync(id, "acme", [], default);
        }

        var watched = new WatchedRegistry(store.Registry);
        using var cache = new DeviceKeyCache(watched, _time, Lifetime);
        foreach (var id in ids)
        {
            await cache.FindAsync(id, default);
        }

        _time.Advance(Lifetime * 0.6);
        await cache.RevalidateAsync(default);
        _time.Advance(Lifetime * 0.6);
        foreach (var id in ids)
        {
            Assert.Equal(id, (await cache.FindAsync(id, default))!.Device.DeviceId);
        }

        Assert.Equal(ids.Length, watched.CredentialReads);
    }

    [Fact]
    public async Task AnEntryNotLookedUpBetweenTwoRevalidationsIsDropped()
    {
        await _store.Registry.AddAsync(DeviceId, "acme", [], default);
        var watched = new WatchedRegistry(_store.Registry);
        using var cache = new DeviceKeyCache(watched, _time, Lifetime);
        await cache.FindAsync(DeviceId, default);

        await cache.RevalidateAsync(default);
        await cache.FindAsync(DeviceId, default);
        await cache.RevalidateAsync(default);
        Assert.Equal(1, watched.CredentialReads);

        await cache.RevalidateAsync(default);
        await cache.FindAsync(DeviceId, default);
        Assert.Equal(2, watched.CredentialReads);
    }

    [Fact]
    public async Task ALookUpThatReadTheRegistryBeforeAChangeDoesNotKeepItsAnswer()
    {
        await _store.Registry.AddAsync(DeviceId, "acme", [], default);
        var gated = new WatchedRegistry(_store.Registry, gated: true);
        using var cache = new DeviceKeyCache(gated, _time, Lifetime);

        // The look-up has read the enabled record; the operator disables the device before it returns.
        var lookUp = cache.FindAsync(DeviceId, default).AsTask();
        await gated.HasRead.Task;
        await _store.Registry.SetEnabledAsync(DeviceId, false, default);
        gated.Release.SetResult();

        Assert.True((await lookUp)!.Device.Enabled);
        Assert.False((await cache.FindAsync(DeviceId, default))!.Device.Enabled);
    }

    /// <summary>The expected record after <paramref name="change"/>: null when the device is gone.</summary>
    private static async Task<Expected?> ChangeAsync(SqlDeviceRegistry registry, string change)
    {
        switch (change)
        {
            case "disable":
                Assert.Equal(RegistryResult.Ok, await registry.SetEnabledAsync(DeviceId, false, default));
                return new Expected(false, 1, null);
            case "rotate":
                var rotated = (await registry.RotateSecretAsync(DeviceId, default))!;
                return new Expected(true, rotated.Device.CredentialGeneration, rotated.Secret.ToArray());
            case "delete":
                Assert.Equal(RegistryResult.Ok, await registry.DeleteAsync(DeviceId, default));
                return null;
            default:
                Assert.Equal(RegistryResult.Ok, await registry.DeleteAsync(DeviceId, default));
                var again = (await registry.AddAsync(DeviceId, "globex", [], default))!;
                return new Expected(true, again.Device.CredentialGeneration, again.Secret.ToArray());
        }
    }

    private static void AssertIs(Expected? expected, DeviceKeys? keys)
    {
        if (expected == null)
        {
            Assert.Null(keys);
            return;
        }

        Assert.NotNull(keys);
        Assert.Equal(expected.Enabled, keys.Device.Enabled);
        Assert.Equal(expected.Generation, keys.Device.CredentialGeneration);
        if (expected.Secret != null)
        {
            Assert.Equal(DeviceKeyDerivation.DeriveAuthKey(expected.Secret), keys.AuthKey.ToArray());
            Assert.Equal(DeviceKeyDerivation.DeriveMessageKey(expected.Secret), keys.MessageKey.ToArray());
        }
    }

    private sealed record Expected(bool Enabled, long Generation, byte[]? Secret);

    /// <summary>The registry, counting its credential look-ups; when gated, the first one, once it has read, waits for the test.</summary>
    private sealed class WatchedRegistry(SqlDeviceRegistry inner, bool gated = false) : IDeviceRegistry
    {
        private int _gated = gated ? 0 : 1;
        private int _credentialReads;

        public event EventHandler<string>? DeviceChanged
        {
            add => inner.DeviceChanged += value;
            remove => inner.DeviceChanged -= value;
        }

        public TaskCompletionSource HasRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int CredentialReads => Volatile.Read(ref _credentialReads);

        public async Task<DeviceCredential?> FindCredentialAsync(string deviceId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _credentialReads);
            var credential = await inner.FindCredentialAsync(deviceId, cancellationToken);
            if (Interlocked.Exchange(ref _gated, 1) == 0)
            {
                HasRead.SetResult();
                await Release.Task;
            }

            return credential;
        }

        public Task<DeviceCredential?> AddAsync(string deviceId, string tenant, IReadOnlyList<string> roles, CancellationToken cancellationToken) => inner.AddAsync(deviceId, tenant, roles, cancellationToken);

        public Task<RegisteredDevice?> FindAsync(string deviceId, CancellationToken cancellationToken) => inner.FindAsync(deviceId, cancellationToken);

        public Task<IReadOnlyList<RegisteredDevice>> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task<IReadOnlyList<RegisteredDevice>> FindManyAsync(IReadOnlyCollection<string> deviceIds, CancellationToken cancellationToken) => inner.FindManyAsync(deviceIds, cancellationToken);

        public Task<RegistryResult> SetEnabledAsync(string deviceId, bool enabled, CancellationToken cancellationToken) => inner.SetEnabledAsync(deviceId, enabled, cancellationToken);

        public Task<DeviceCredential?> RotateSecretAsync(string deviceId, CancellationToken cancellationToken) => inner.RotateSecretAsync(deviceId, cancellationToken);

        public Task<RegistryResult> DeleteAsync(string deviceId, CancellationToken cancellationToken) => inner.DeleteAsync(deviceId, cancellationToken);

        public Task TouchAsync(string deviceId, DateTimeOffset seenAt, CancellationToken cancellationToken) => inner.TouchAsync(deviceId, seenAt, cancellationToken);
    }
}
