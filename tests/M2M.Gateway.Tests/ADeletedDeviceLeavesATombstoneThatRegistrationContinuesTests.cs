using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace M2M.Gateway.Tests;

/// <summary>
/// docs/admin-api.md, "Deleting a device and registering it again": a device id's credential
/// generation never restarts. Deleting keeps a tombstone (the id and its last generation, the secret
/// wiped from every registry file) that every read treats as absent; registering the id again
/// continues at generation + 1 with a fresh secret, the new tenant and roles, and is announced. The
/// time each credential came into force (CredentialSince) is the injected clock's.
/// </summary>
public sealed class ADeletedDeviceLeavesATombstoneThatRegistrationContinuesTests
{
    private const string DeviceId = "sensor-0001";

    [Fact]
    public async Task TheGenerationContinuesAcrossDeleteAndRegistrationAndTheTombstoneIsAbsentToEveryRead()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = new TempRegistry(time);
        var registry = store.Registry;
        var changed = new List<string>();
        registry.DeviceChanged += (_, id) => changed.Add(id);

        var added = (await registry.AddAsync(DeviceId, "acme", ["reader"], default))!;
        Assert.Equal((1, time.GetUtcNow()), (added.Device.CredentialGeneration, added.Device.CredentialSince));
        time.Advance(TimeSpan.FromMinutes(1.5));
        var rotated = (await registry.RotateSecretAsync(DeviceId, default))!;
        Assert.Equal((2, time.GetUtcNow(), added.Device.CreatedAt), (rotated.Device.CredentialGeneration, rotated.Device.CredentialSince, rotated.Device.CreatedAt));
        Assert.Equal(rotated.Device.CredentialSince, (await registry.FindAsync(DeviceId, default))!.CredentialSince);
        await registry.AddAsync("sensor-0002", "acme", [], default);
        var ciphertext = Secret(store);

        Assert.Equal(RegistryResult.Ok, await registry.DeleteAsync(DeviceId, default));

        Assert.Null(await registry.FindAsync(DeviceId, default));
        Assert.Null(await registry.FindCredentialAsync(DeviceId, default));
        Assert.Equal(["sensor-0002"], (await registry.ListAsync(default)).Select(d => d.DeviceId));
        Assert.Equal(["sensor-0002"], (await registry.FindManyAsync([DeviceId, "sensor-0002", "sensor-never"], default)).Select(d => d.DeviceId));
        Assert.Equal(RegistryResult.NotFound, await registry.SetEnabledAsync(DeviceId, true, default));
        Assert.Null(await registry.RotateSecretAsync(DeviceId, default));
        Assert.Equal(RegistryResult.NotFound, await registry.DeleteAsync(DeviceId, default));
        Assert.Empty(Secret(store));

        // Read as they are while the registry is open (as a copy of a live gateway's folder would be).
        foreach (var file in Directory.GetFiles(store.Folder.FullPath, RegistryDatabase.FileName + "*"))
        {
            // Not even a part of it (AES-GCM is a stream cipher: a part would decrypt to a part of S).
            var bytes = File.ReadAllBytes(file);
            for (var i = 0; i + 8 <= ciphertext.Length; i++)
            {
                Assert.True(bytes.AsSpan().IndexOf(ciphertext.AsSpan(i, 8)) < 0, $"{Path.GetFileName(file)} holds bytes {i}..{i + 7} of the deleted ciphertext");
            }
        }

        time.Advance(TimeSpan.FromMinutes(1));
        var again = (await registry.AddAsync(DeviceId, "globex", ["writer"], default))!;

        Assert.Equal(new RegisteredDevice(DeviceId, "globex", again.Device.Roles, true, 3, time.GetUtcNow(), time.GetUtcNow(), null), again.Device);
        Assert.Equal(["writer"], again.Device.Roles);
        Assert.NotEqual(rotated.Secret.ToArray(), again.Secret.ToArray());
        var found = (await registry.FindCredentialAsync(DeviceId, default))!;
        Assert.Equal((3, "globex"), (found.Device.CredentialGeneration, found.Device.Tenant));
        Assert.Equal(again.Secret.ToArray(), found.Secret.ToArray());

        // A live id is still a conflict, and leaves the device as it was.
        Assert.Null(await registry.AddAsync(DeviceId, "acme", [], default));
        Assert.Equal(again.Secret.ToArray(), (await registry.FindCredentialAsync(DeviceId, default))!.Secret.ToArray());

        // Rotate, delete and registering again are announced; a first registration is not.
        Assert.Equal([DeviceId, DeviceId, DeviceId], changed);
    }

    // The stored ciphertext of the device's secret, read as any SQLite client would.
    private static byte[] Secret(TempRegistry store)
    {
        using var connection = new SqliteConnection($"Data Source={store.Database.Path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT secret FROM devices WHERE id = $id;";
        command.Parameters.AddWithValue("$id", DeviceId);
        return (byte[])command.ExecuteScalar()!;
    }
}
