using System.Text;
using M2M.Gateway.Ingress;
using M2M.Gateway.Registry;
using M2M.Gateway.Secrets;
using M2M.Gateway.Tests.Support;
using M2M.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Protocol;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 11 item 1, with the real registry, token endpoint and validator over real sockets: a token
/// of the gateway names the credential generation it was issued for (m2m_gen, docs/protocol.md
/// section 4), and the gateway holds it to that generation at CONNECT (0x86
/// token_credential_outdated, section 5.1), at in-band renewal (section 7.2) and at every
/// revalidation (section 7.1). A deleted device id keeps its generation, so registering it again
/// (under another tenant) never revives an old token; tenant and roles come from the registry.
/// </summary>
public sealed class TokensAreBoundToTheRegistrationTheyWereIssuedForTests : IAsyncLifetime
{
    private const string DeviceId = "sensor-0001";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly List<TestDevice> _devices = [];
    private TokenGateway _gateway = null!;
    private HttpClient _client = null!;

    [Fact]
    public async Task ATokenIssuedBeforeTheDeviceWasDeletedAndRegisteredAgainIsRefusedAndTheNewRegistrationRelaysUnderItsTenant()
    {
        await StartAsync("--Gateway:Relay:File:Enabled", "true");
        var first = await AddAsync("acme", ["reader"]);
        var oldToken = await TokenAsync(first);

        Assert.Equal(RegistryResult.Ok, await _gateway.Registry.DeleteAsync(DeviceId, default));
        var second = await AddAsync("globex", []);

        var refused = await Device(second).ConnectAsync(oldToken);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
        Assert.Contains("result=\"token_credential_outdated\"", await MetricsAsync(), StringComparison.Ordinal);

        var device = Device(second);
        Assert.Equal(MqttClientConnectResultCode.Success, (await device.ConnectAsync(await TokenAsync(second))).ResultCode);
        Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(device.Telemetry(1, 1, "{\"t\":1}"u8.ToArray()))).ReasonCode);

        // The one record relayed is the new registration's: its tenant, its generation.
        var record = Assert.Single(await FileRecordsAsync(1));
        Assert.Equal($"{DeviceId}/2/1/1", record.GetProperty("id").GetString());
        Assert.Equal("globex", record.GetProperty("m2mtenant").GetString());
        Assert.Equal("2", record.GetProperty("m2mgeneration").ToString());
    }

    [Fact]
    public async Task AfterARotationThePreRotationTokenNeitherConnectsNorTakesOverAndItsLiveSessionIsCut()
    {
        await StartAsync();
        var before = await AddAsync("acme", []);
        var oldToken = await TokenAsync(before);
        var oldSession = Device(before);
        Assert.Equal(MqttClientConnectResultCode.Success, (await oldSession.ConnectAsync(oldToken)).ResultCode);

        var after = (await _gateway.Registry.RotateSecretAsync(DeviceId, default))!;

        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, (await DisconnectedAsync(oldSession)).Reason);
        var current = Device(after);
        Assert.Equal(MqttClientConnectResultCode.Success, (await current.ConnectAsync(await TokenAsync(after))).ResultCode);

        var takeover = await Device(before).ConnectAsync(oldToken);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, takeover.ResultCode);

        // Sentinel: after the refused takeover the current session still publishes, under the new K_msg.
        Assert.Equal(MqttClientPublishReasonCode.Success, (await current.PublishAsync(current.Telemetry(1, 1, "{}"u8.ToArray()))).ReasonCode);
        Assert.False(current.Disconnected.Task.IsCompleted);
    }

    [Theory]
    [InlineData("rotate")]
    [InlineData("delete")]
    [InlineData("delete and register again")]
    public async Task AChangeMadeWithoutAnEventEndsTheSessionAtTheNextRevalidation(string change)
    {
        await StartAsync();
        var interval = _gateway.Service<IOptions<MqttIngressOptions>>().Value.RevalidateInterval;
        var credential = await AddAsync("acme", []);

        // Token and CONNECT read the device into the gateway's cache well into the first interval:
        // the revalidation at its end must read past the cache, where the record is still young.
        _time.Advance(interval * 0.6);
        var device = Device(credential);
        Assert.Equal(MqttClientConnectResultCode.Success, (await device.ConnectAsync(await TokenAsync(credential))).ResultCode);

        // Another registry on the same file, as a second gateway sharing it would be: the ingress
        // hears no event of its changes, only its periodic revalidation (the gateway's clock is the
        // test's: it runs when the clock reaches the interval) can see them.
        var underneath = SharedRegistry();
        switch (change)
        {
            case "rotate":
                Assert.NotNull(await underneath.RotateSecretAsync(DeviceId, default));
                break;
            case "delete":
                Assert.Equal(RegistryResult.Ok, await underneath.DeleteAsync(DeviceId, default));
                break;
            default:
                Assert.Equal(RegistryResult.Ok, await underneath.DeleteAsync(DeviceId, default));
                Assert.NotNull(await underneath.AddAsync(DeviceId, "globex", [], default));
                break;
        }

        _time.Advance(interval - (interval * 0.6));

        Assert.Equal(MqttClientDisconnectReason.AdministrativeAction, (await DisconnectedAsync(device)).Reason);
    }

    [Fact]
    public async Task AnOutdatedAccessTokenDoesNotRenewInBandAndTheDeadlineStays()
    {
        // No sweep during the test: the renewal's own check is what is proved.
        await StartAsync("--Gateway:Mqtt:RevalidateInterval", "1.00:00:00");
        var lifetime = TimeSpan.FromHours(1);
        var credential = await AddAsync("acme", []);
        var device = Device(credential);
        Assert.Equal(MqttClientConnectResultCode.Success, (await device.ConnectAsync(await TokenAsync(credential))).ResultCode);

        // A later token of the current generation renews...
        _time.Advance(TimeSpan.FromMinutes(1));
        var renewed = await PublishAuthAsync(device, await TokenAsync(credential));
        Assert.Equal(MqttClientPublishReasonCode.Success, renewed.ReasonCode);
        var deadline = _time.GetUtcNow() + lifetime;

        // ...one of a generation the registry has left (changed by another gateway, no event yet) does not.
        _time.Advance(TimeSpan.FromMinutes(1));
        var outdated = await TokenAsync(credential);
        Assert.NotNull(await SharedRegistry().RotateSecretAsync(DeviceId, default));
        var refused = await PublishAuthAsync(device, outdated);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
        Assert.Equal("renewal_refused", refused.ReasonString);

        _time.Advance(deadline - _time.GetUtcNow());
        Assert.Equal(MqttClientDisconnectReason.MaximumConnectTime, (await DisconnectedAsync(device)).Reason);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.DisposeAsync();
        }

        _client?.Dispose();
        if (_gateway != null)
        {
            await _gateway.DisposeAsync();
        }
    }

    private async Task StartAsync(params string[] arguments)
    {
        _gateway = await TokenGateway.StartAsync(_time, null, null, arguments);
        _client = _gateway.Client();
    }

    private async Task<DeviceCredential> AddAsync(string tenant, string[] roles) =>
        (await _gateway.Registry.AddAsync(DeviceId, tenant, roles, default))!;

    private Task<string> TokenAsync(DeviceCredential credential) => _gateway.GetAccessTokenAsync(_client, credential, _time.GetUtcNow());

    private TestDevice Device(DeviceCredential credential)
    {
        var device = TestDevice.Registered(credential, _gateway.MqttPort, _time);
        _devices.Add(device);
        return device;
    }

    private SqlDeviceRegistry SharedRegistry() =>
        new(new RegistryDatabase(Path.Combine(_gateway.DataDirectory, RegistryDatabase.FileName)), _gateway.Service<ISecretProtector>(), _time);

    private async Task<string> MetricsAsync() => await _client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

    private Task<IReadOnlyList<System.Text.Json.JsonElement>> FileRecordsAsync(int count) =>
        FileSink.ReadAsync(Path.Combine(_gateway.DataDirectory, "telemetry.jsonl"), count);

    private static async Task<MqttClientDisconnectedEventArgs> DisconnectedAsync(TestDevice device)
    {
        await Eventually.TrueAsync(() => device.Disconnected.Task.IsCompleted, $"the gateway to end the session of {device.Id}");
        return await device.Disconnected.Task;
    }

    private static Task<MqttClientPublishResult> PublishAuthAsync(TestDevice device, string jwt) =>
        device.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic($"devices/{device.Id}/auth")
            .WithPayload(Encoding.ASCII.GetBytes(jwt))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
}
