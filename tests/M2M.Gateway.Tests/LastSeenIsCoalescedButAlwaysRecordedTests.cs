using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// Last-seen is written to registry.db coalesced (docs/admin-api.md): every time recorded reaches the
/// file one flush interval after the first pending one, or when the registry is disposed, read by a
/// second registry on the same file (as another gateway or the operator's tools would); the registry
/// that recorded it shows it at once; and a time recorded before a device was deleted and registered
/// again never lands on the new registration.
/// </summary>
public sealed class LastSeenIsCoalescedButAlwaysRecordedTests : IDisposable
{
    private const string DeviceId = "sensor-0001";
    private readonly FakeTimeProvider _time = TestClock.Fixed();
    private readonly TempRegistry _store;

    public LastSeenIsCoalescedButAlwaysRecordedTests() => _store = new TempRegistry(_time);

    public void Dispose() => _store.Dispose();

    [Fact]
    public async Task TheLatestTimeReachesTheFileOneIntervalAfterTheFirst()
    {
        await _store.Registry.AddAsync(DeviceId, "acme", [], default);
        var first = _time.GetUtcNow();
        await _store.Registry.TouchAsync(DeviceId, first, default);
        var latest = first.AddMilliseconds(400);
        await _store.Registry.TouchAsync(DeviceId, latest, default);
        await _store.Registry.TouchAsync(DeviceId, first.AddMilliseconds(200), default);

        Assert.Equal(latest, (await _store.Registry.FindAsync(DeviceId, default))!.LastSeenAt);

        _time.Advance(LastSeenWriter.FlushInterval);
        await Eventually.TrueAsync(async () => (await Underneath().FindAsync(DeviceId, default))!.LastSeenAt == latest, "the latest last-seen time in registry.db");
    }

    [Fact]
    public async Task PendingTimesAreWrittenWhenTheRegistryIsDisposed()
    {
        await _store.Registry.AddAsync(DeviceId, "acme", [], default);
        var seen = _time.GetUtcNow();
        await _store.Registry.TouchAsync(DeviceId, seen, default);

        await _store.Registry.DisposeAsync();

        Assert.Equal(seen, (await Underneath().FindAsync(DeviceId, default))!.LastSeenAt);
    }

    [Fact]
    public async Task ATimeFromBeforeADeletionIsNotTheNewRegistrations()
    {
        await _store.Registry.AddAsync(DeviceId, "acme", [], default);
        await _store.Registry.TouchAsync(DeviceId, _time.GetUtcNow(), default);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        await _store.Registry.DeleteAsync(DeviceId, default);
        await _store.Registry.AddAsync(DeviceId, "globex", [], default);

        Assert.Null((await _store.Registry.FindAsync(DeviceId, default))!.LastSeenAt);
        await _store.Registry.DisposeAsync();
        Assert.Null((await Underneath().FindAsync(DeviceId, default))!.LastSeenAt);
    }

    /// <summary>Another registry on the same file: it reads only what was written.</summary>
    private SqlDeviceRegistry Underneath() => new(new RegistryDatabase(_store.Folder), _store.Protector, _time);
}
