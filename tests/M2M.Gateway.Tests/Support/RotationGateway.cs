using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using M2M.Device.Core.Commands;
using M2M.Device.Core.Crypto;
using M2M.Device.Core.Host.Platform;
using M2M.Gateway.Commands;
using M2M.Gateway.Ingress.Seams;
using M2M.Gateway.Ingress.Sessions;
using M2M.Gateway.Registry;
using M2M.Gateway.Rotation;
using Microsoft.Extensions.Time.Testing;
using DeviceKeys = M2M.Device.Core.Crypto.DeviceKeys;
using DeviceX25519 = M2M.Device.Core.Crypto.X25519;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The gateway's side of an over-the-air rotation (docs/protocol.md section 12.6) in the test process, on
/// the test's fake clock, over a data folder that outlives a restart (<see cref="RestartAsync"/>: every
/// store reopened, as when the process is killed and started again). Everything goes through the
/// gateway's own entry points: the admin API (start, status), the ingress's command-result entry
/// (<see cref="CommandService.RecordResultAsync"/>, what an MQTT result PUBLISH reaches) and the real
/// token endpoint; the device's part is the device core's own (SecretExchange, CommandCodec).
/// </summary>
public sealed class RotationGateway : IAsyncDisposable
{
    public const string DeviceId = "meter-0042";

    private readonly string _data = Directory.CreateTempSubdirectory("m2m-rotation-").FullName;
    private TokenGateway _gateway = null!;
    private HttpClient _admin = null!;

    private RotationGateway()
    {
    }

    public FakeTimeProvider Time { get; } = TestClock.Fixed();

    /// <summary>The secret S the device was registered with.</summary>
    public byte[] Secret { get; private set; } = [];

    public TokenGateway Gateway => _gateway;

    /// <summary>A gateway with the device registered.</summary>
    public static async Task<RotationGateway> StartAsync()
    {
        var rig = new RotationGateway();
        await rig.OpenAsync().ConfigureAwait(false);
        using var added = await rig._admin.PostAsJsonAsync(new Uri("/admin/v1/devices", UriKind.Relative), new { id = DeviceId, tenant = "acme", roles = Array.Empty<string>() }).ConfigureAwait(false);
        var body = await added.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(added.IsSuccessStatusCode, body);
        rig.Secret = System.Buffers.Text.Base64Url.DecodeFromChars(JsonDocument.Parse(body).RootElement.GetProperty("secret").GetString()!);
        return rig;
    }

    /// <summary>The gateway stops (its stores closed) and starts again over the same data folder.</summary>
    public async Task RestartAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        await OpenAsync().ConfigureAwait(false);
    }

    /// <summary>Starts an over-the-air rotation through the admin API; returns its sequence.</summary>
    public async Task<long> StartRotationAsync(TimeSpan timeout)
    {
        using var started = await _admin.PostAsJsonAsync(new Uri($"/admin/v1/devices/{DeviceId}/rotate", UriKind.Relative), new { overTheAir = true, timeoutSeconds = (long)timeout.TotalSeconds }).ConfigureAwait(false);
        var body = await started.Content.ReadAsStringAsync().ConfigureAwait(false);
        Assert.True(started.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("sequence").GetInt64();
    }

    /// <summary>The rotation as the admin API shows it.</summary>
    public async Task<JsonElement> RotationAsync(long sequence) =>
        await _admin.GetFromJsonAsync<JsonElement>(new Uri($"/admin/v1/devices/{DeviceId}/rotations/{sequence}", UriKind.Relative)).ConfigureAwait(false);

    /// <summary>The device's credential generation as the admin API shows it.</summary>
    public async Task<long> GenerationAsync() =>
        (await _admin.GetFromJsonAsync<JsonElement>(new Uri($"/admin/v1/devices/{DeviceId}", UriKind.Relative)).ConfigureAwait(false)).GetProperty("credentialGeneration").GetInt64();

    /// <summary>
    /// The device's part (section 12.4) on rotation <paramref name="sequence"/>'s command, with the device
    /// core's exchange: its signed result (under K_cmd of <paramref name="secret"/>), the result's detail and the S' it wrote.
    /// </summary>
    public async Task<(byte[] Result, string Detail, byte[] NewSecret)> DeviceAnswersAsync(long sequence, byte[] secret)
    {
        var command = await _admin.GetFromJsonAsync<JsonElement>(new Uri($"/admin/v1/devices/{DeviceId}/commands/{sequence}", UriKind.Relative)).ConfigureAwait(false);
        var gatewayKey = Base64Url.Decode(command.GetProperty("arguments").GetProperty("gateway_key").GetString()!)!;
        var hmac = new HostHmacSha256();
        var keys = DeviceKeys.Derive(secret, hmac);
        var exchange = new SecretExchange(hmac, new DeviceX25519());
        Assert.True(exchange.Run(DeviceId, (uint)sequence, secret, gatewayKey, exchange.NewPrivateKey(new HostRandom(), keys.CommandKey)));
        var detail = new StringBuilder();
        CommandArguments.Append(detail, "device_key", Base64Url.Encode(exchange.DevicePublicKey!));
        CommandArguments.Append(detail, "proof", Base64Url.Encode(exchange.Proof!));
        var result = CommandCodec.EncodeResult(DeviceId, (uint)sequence, new CommandResult(CommandResult.Ok, detail.ToString()), keys.CommandKey, hmac);
        return (result, detail.ToString(), exchange.NewSecret!);
    }

    /// <summary>The gateway receives the device's result, as its ingress does from the result PUBLISH (section 11.3).</summary>
    public async Task<CommandResultOutcome> ReceiveAsync(byte[] result)
    {
        var device = (await _gateway.Registry.FindAsync(DeviceId, CancellationToken.None).ConfigureAwait(false))!;
        using var session = new DeviceSession(new DeviceRecord(DeviceId, true, device.Tenant, device.Roles, device.CredentialGeneration, device.CredentialSince, ReadOnlyMemory<byte>.Empty), null, Time.GetUtcNow().AddHours(1));
        return await _gateway.Service<CommandService>().RecordResultAsync(session, result, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Moves the clock on and runs the gateway's deadline check now (its timer runs the same check every interval).</summary>
    public async Task AdvanceAndCheckDeadlinesAsync(TimeSpan by)
    {
        Time.Advance(by);
        await _gateway.Service<RotationDeadlines>().CheckAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The OAuth error of a token request signed under K_auth of <paramref name="secret"/> at the gateway's time, or null when a token is issued.</summary>
    public async Task<string?> TokenErrorAsync(byte[] secret)
    {
        using var http = _gateway.Client();
        var assertion = TestAssertion.Sign(DeviceKeyDerivation.DeriveAuthKey(secret), TestAssertion.Claims(DeviceId, _gateway.TokenEndpoint, Time.GetUtcNow()));
        using var response = await TokenGateway.RequestTokenAsync(http, TokenGateway.Form(assertion)).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? null : JsonDocument.Parse(await response.Content.ReadAsStringAsync().ConfigureAwait(false)).RootElement.GetProperty("error").GetString();
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        Directory.Delete(_data, true);
    }

    private async Task OpenAsync()
    {
        _gateway = await TokenGateway.StartWithAdminAsync(Time, _data).ConfigureAwait(false);
        _admin = _gateway.Client();
        _admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await _gateway.CreateKeyAsync(["admin"]).ConfigureAwait(false));
    }

    private async Task CloseAsync()
    {
        _admin.Dispose();
        await _gateway.DisposeAsync().ConfigureAwait(false);
    }
}
