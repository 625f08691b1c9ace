using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// A gateway restarted on its data folder keeps its devices (with the same secret) and admin keys,
/// and creates (and prints) the first admin key only on the very first start.
/// </summary>
// Unix file modes: a real skip elsewhere (Xunit.SkippableFact reads SupportedOSPlatform).
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RestartKeepsDevicesAndAdminKeysTests
{
    [SkippableFact]
    public async Task DevicesAndTheAdminKeySurviveARestartAndNoNewKeyIsPrinted()
    {
        var folder = Directory.CreateTempSubdirectory("m2m-restart-").FullName;
        try
        {
            string adminKey;
            string secret;
            await using (var first = await AdminGateway.StartAsync(folder))
            {
                adminKey = first.AdminKey;
                Assert.Contains(adminKey, first.Process.Output, StringComparison.Ordinal);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, AdminGateway.KeyFileName)));
                using var added = await first.Client.PostAsJsonAsync(new Uri("/admin/v1/devices", UriKind.Relative), new { id = "sensor-0001", tenant = "acme" });
                Assert.Equal(HttpStatusCode.Created, added.StatusCode);
                secret = JsonDocument.Parse(await added.Content.ReadAsStringAsync()).RootElement.GetProperty("secret").GetString()!;
                using var disabled = await first.Client.PostAsync(new Uri("/admin/v1/devices/sensor-0001/disable", UriKind.Relative), null);
                Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
            }

            await using var second = await AdminGateway.StartAsync(folder);

            Assert.Equal(adminKey, second.AdminKey);
            Assert.DoesNotContain("m2m_admin_", second.Process.Output, StringComparison.Ordinal);
            var device = JsonDocument.Parse(await second.Client.GetStringAsync(new Uri("/admin/v1/devices/sensor-0001", UriKind.Relative))).RootElement;
            Assert.Equal("acme", device.GetProperty("tenant").GetString());
            Assert.False(device.GetProperty("enabled").GetBoolean());
            // The audit log of the first run is kept and appended to.
            Assert.Equal(
                ["device.add", "device.disable", "device.show"],
                second.AuditLines().Where(l => l.GetProperty("deviceId").GetString() == "sensor-0001").Select(l => l.GetProperty("action").GetString()));

            // The same secret is still the device's: the master key was reused, not regenerated.
            using var registry = new TempRegistry(directory: folder);
            var credential = await registry.Registry.FindCredentialAsync("sensor-0001", CancellationToken.None);
            Assert.Equal(secret, System.Buffers.Text.Base64Url.EncodeToString(credential!.Secret.Span));
        }
        finally
        {
            TempRegistry.ReleaseFiles();
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
