using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Device.Core.App;
using M2M.Device.Core.Host.App;
using M2M.Device.Core.Host.Platform;
using M2M.Device.Core.Platform;
using M2M.Device.Core.Storage;
using M2M.Gateway.Https;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using DeviceCredential = M2M.Device.Core.Storage.DeviceCredential;

namespace M2M.Gateway.Tests;

/// <summary>
/// The over-the-air rotation end to end on loopback (docs/protocol.md section 12), nothing stood in:
/// the real gateway process and its admin API, the device application of the host build on a drive
/// folder, restarted by the test when it asks to restart (as the board reboots). The device answers
/// the rotate-secret command, restarts into S', the gateway makes S' current at its first token
/// request, the device commits S' and keeps publishing under it, and the old S is refused.
/// </summary>
public sealed class ASecretRotatedOverTheAirReplacesTheOldOneTests : IAsyncLifetime
{
    private const string DeviceId = "meter-0042";
    private AdminGateway _gateway = null!;
    private string _drive = null!;

    public async Task InitializeAsync()
    {
        _gateway = await AdminGateway.StartAsync();
        _drive = Directory.CreateTempSubdirectory("m2m-device-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_drive, true);
    }

    [Fact]
    public async Task TheDeviceRotatesKeepsPublishingUnderTheNewSecretAndTheOldOneIsRefused()
    {
        var secret = await _gateway.AddDeviceAsync(DeviceId);
        var generation = await GenerationAsync();
        await ProvisionAsync(secret);
        var restart = new CountingRestart();
        var first = Boot(restart);
        await Eventually.TrueAsync(() => first.App.Session!.Acknowledged > 0, "the device publishes under S");

        using (var started = await _gateway.Client.PostAsJsonAsync(new Uri($"/admin/v1/devices/{DeviceId}/rotate", UriKind.Relative), new { overTheAir = true, timeoutSeconds = 600 }))
        {
            var text = await started.Content.ReadAsStringAsync();
            Assert.True(started.StatusCode == HttpStatusCode.Accepted, text);
            Assert.Equal("offered", JsonDocument.Parse(text).RootElement.GetProperty("state").GetString());
        }

        // The device answers with its key and proof; the gateway keeps S' pending, S still current.
        await Eventually.TrueAsync(async () => (await RotationAsync()).GetProperty("state").GetString() == "proved", "the gateway verified the proof");
        Assert.Equal(generation, await GenerationAsync());
        await Eventually.TrueAsync(() => restart.Restarts == 1, "the device restarts after its answer");
        first.Dispose();

        // It boots with S' on probation; its first token request makes S' current.
        var second = Boot(restart);
        await Eventually.TrueAsync(async () => (await RotationAsync()).GetProperty("state").GetString() == "completed", "the gateway promoted S'");
        Assert.Equal(generation + 1, await GenerationAsync());
        await Eventually.TrueAsync(() => !second.App.OnProbation, "the device committed S'");
        var files = new HostFileStore(_drive);
        Assert.Equal(files.ReadAll(CredentialStore.SlotA), files.ReadAll(CredentialStore.SlotB));
        var newSecret = new CredentialStore(files).Load()!.Secret;
        Assert.NotEqual(secret, newSecret);

        // It keeps publishing under S', and commands reach it under K_cmd of S'.
        var acknowledged = second.App.Session!.Acknowledged;
        await Eventually.TrueAsync(() => second.App.Session.Acknowledged > acknowledged + 1, "the device keeps publishing under S'");
        Assert.Equal(0, second.App.Session.Refused);
        using (var ping = await _gateway.Client.PostAsJsonAsync(new Uri($"/admin/v1/devices/{DeviceId}/commands", UriKind.Relative), new { name = "ping" }))
        {
            Assert.Equal(HttpStatusCode.Created, ping.StatusCode);
        }

        await Eventually.TrueAsync(
            async () =>
            {
                using var list = await _gateway.Client.GetAsync(new Uri($"/admin/v1/devices/{DeviceId}/commands", UriKind.Relative));
                var newest = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement[0];
                return newest.GetProperty("name").GetString() == "ping" && newest.GetProperty("status").GetString() == "ok";
            },
            "the ping is answered under the new command key");

        // The old S is refused at the token endpoint; S' is accepted.
        Assert.Equal("invalid_client", await TokenErrorAsync(secret));
        Assert.Null(await TokenErrorAsync(newSecret));
        second.Dispose();

        var audit = _gateway.AuditLines().Select(l => l.GetProperty("action").GetString()).ToList();
        Assert.Contains("rotation.started", audit);
        Assert.Contains("rotation.proved", audit);
        Assert.Contains("rotation.completed", audit);
    }

    private async Task<JsonElement> RotationAsync()
    {
        using var response = await _gateway.Client.GetAsync(new Uri($"/admin/v1/devices/{DeviceId}/rotations", UriKind.Relative));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].Clone();
    }

    private async Task<long> GenerationAsync()
    {
        using var response = await _gateway.Client.GetAsync(new Uri($"/admin/v1/devices/{DeviceId}", UriKind.Relative));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("credentialGeneration").GetInt64();
    }

    // The OAuth error of a token request signed under K_auth of the secret, or null when a token is issued.
    private async Task<string?> TokenErrorAsync(byte[] secret)
    {
        using var http = new HttpClient { BaseAddress = _gateway.Process.BaseAddress };
        var endpoint = (await TokenGateway.MetadataAsync(http)).GetProperty("token_endpoint").GetString()!;
        using var response = await TokenGateway.RequestTokenAsync(http, TokenGateway.Form(TestAssertion.Sign(DeviceKeyDerivation.DeriveAuthKey(secret), TestAssertion.Claims(DeviceId, endpoint, DateTimeOffset.UtcNow))));
        return response.IsSuccessStatusCode ? null : JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
    }

    private async Task ProvisionAsync(byte[] secret)
    {
        using var metadataClient = new HttpClient { BaseAddress = _gateway.Process.BaseAddress };
        var metadata = JsonDocument.Parse(await metadataClient.GetStringAsync(new Uri("/.well-known/oauth-authorization-server", UriKind.Relative))).RootElement;
        var credential = new DeviceCredential(DeviceId, secret.ToArray(), metadata.GetProperty("token_endpoint").GetString()!, "127.0.0.1", _gateway.MqttPort)
        {
            CaCertificatePem = await File.ReadAllTextAsync(Path.Combine(_gateway.DataDirectory, GatewayCertificate.CaFileName)),
            MqttTls = false,
        };
        RunningDevice.Provision(_drive, credential, new DeviceConfig { TelemetryIntervalSeconds = 1 });
    }

    // One boot of the board: a new application over the same drive, as after a power cycle.
    private RunningDevice Boot(IDeviceRestart restart) => RunningDevice.Boot(_drive, restart);
}
