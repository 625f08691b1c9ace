using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace M2M.Gateway.Tests;

/// <summary>The ingress's directory over the SQLite registry: K_msg per docs/protocol.md section 2.2, state, change events, outages.</summary>
public sealed class DeviceDirectoryServesMessageKeyAndChangesTests
{
    // As the gateway composes it: the directory over the registry's key cache.
    private static DeviceDirectory Directory(IDeviceRegistry registry) =>
        new(new DeviceKeyCache(registry, TimeProvider.System, TimeSpan.FromSeconds(5)), NullLogger<DeviceDirectory>.Instance);

    private static byte[] VectorHex(string name) => Convert.FromHexString(ProtocolDocument.TestVectors.GetProperty(name).GetString()!);

    [Fact]
    public void DerivedKeysMatchTheProtocolTestVectors()
    {
        var secret = VectorHex("secret_hex");

        Assert.Equal(VectorHex("k_msg_hex"), DeviceKeyDerivation.DeriveMessageKey(secret));
        Assert.Equal(VectorHex("k_auth_hex"), DeviceKeyDerivation.DeriveAuthKey(secret));
    }

    [Fact]
    public async Task ARegisteredDeviceIsFoundWithTheMessageKeyOfItsSecret()
    {
        using var store = new TempRegistry();
        var added = await store.Registry.AddAsync("sensor-0001", "acme", ["reader", "writer"], CancellationToken.None);
        using var directory = Directory(store.Registry);

        var lookup = await directory.FindAsync("sensor-0001", CancellationToken.None);

        Assert.Equal(DeviceLookupStatus.Found, lookup.Status);
        var device = lookup.Device!;
        Assert.True(device.Enabled);
        Assert.Equal("acme", device.Tenant);
        Assert.Equal(["reader", "writer"], device.Roles);
        Assert.Equal(1, device.CredentialGeneration);
        Assert.Equal(DeviceKeyDerivation.DeriveMessageKey(added!.Secret.Span), device.MessageKey.ToArray());
        Assert.Equal(DeviceLookupStatus.NotFound, (await directory.FindAsync("sensor-0002", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task DisableRotateAndDeleteAreAnnouncedAndSeen()
    {
        using var store = new TempRegistry();
        await store.Registry.AddAsync("sensor-0001", "acme", [], CancellationToken.None);
        using var directory = Directory(store.Registry);
        var changed = new List<string>();
        directory.DeviceChanged += (_, id) => changed.Add(id);

        await store.Registry.SetEnabledAsync("sensor-0001", false, CancellationToken.None);
        Assert.False((await directory.FindAsync("sensor-0001", CancellationToken.None)).Device!.Enabled);

        var rotated = await store.Registry.RotateSecretAsync("sensor-0001", CancellationToken.None);
        var afterRotation = (await directory.FindAsync("sensor-0001", CancellationToken.None)).Device!;
        Assert.Equal(2, afterRotation.CredentialGeneration);
        Assert.Equal(DeviceKeyDerivation.DeriveMessageKey(rotated!.Secret.Span), afterRotation.MessageKey.ToArray());

        await store.Registry.DeleteAsync("sensor-0001", CancellationToken.None);
        Assert.Equal(DeviceLookupStatus.NotFound, (await directory.FindAsync("sensor-0001", CancellationToken.None)).Status);

        Assert.Equal(["sensor-0001", "sensor-0001", "sensor-0001"], changed);
        await store.Registry.SetEnabledAsync("sensor-0001", true, CancellationToken.None);
        Assert.Equal(3, changed.Count);
    }

    [Fact]
    public async Task ARegistryWhoseSecretsDoNotDecryptIsUnavailableNotUnknown()
    {
        using var store = new TempRegistry();
        await store.Registry.AddAsync("sensor-0001", "acme", [], CancellationToken.None);
        using var otherKey = new TempRegistry();
        var wrongKeyRegistry = new SqlDeviceRegistry(store.Database, otherKey.Protector, TimeProvider.System);
        using var directory = Directory(wrongKeyRegistry);

        Assert.Equal(DeviceLookupStatus.Unavailable, (await directory.FindAsync("sensor-0001", CancellationToken.None)).Status);
    }
}
