using System.Net.Http.Headers;
using System.Text.Json;
using M2M.Gateway.Ingress;
using M2M.Gateway.Registry;
using M2M.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;

namespace M2M.Gateway.Tests.Support;

/// <summary>
/// The set-up of the revocation and introspection tests (RFC 7009, RFC 7662): the gateway with its
/// real registry, token service, ingress and admin API on loopback, on the fixed test clock, and
/// helpers to register devices, get them tokens, connect them and call the two endpoints.
/// </summary>
public sealed class RevocationRig : IAsyncDisposable
{
    public const string RevokePath = "/oauth2/revoke";
    public const string IntrospectPath = "/oauth2/introspect";

    private readonly List<TestDevice> _devices = [];
    private readonly List<HttpClient> _clients = [];

    private RevocationRig(FakeTimeProvider time, TokenGateway gateway)
    {
        Time = time;
        Gateway = gateway;
        Client = NewClient(null);
    }

    public FakeTimeProvider Time { get; }

    public TokenGateway Gateway { get; }

    /// <summary>A client that sends no credential.</summary>
    public HttpClient Client { get; }

    /// <summary>The ingress's revalidation interval.</summary>
    public TimeSpan RevalidateInterval => Gateway.Service<IOptions<MqttIngressOptions>>().Value.RevalidateInterval;

    /// <summary>Starts the gateway on <paramref name="time"/> (a fresh clock when null), on <paramref name="dataDirectory"/> (a fresh one when null).</summary>
    public static async Task<RevocationRig> StartAsync(FakeTimeProvider? time = null, string? dataDirectory = null, params string[] arguments)
    {
        time ??= TestClock.Fixed();
        return new RevocationRig(time, await TokenGateway.StartWithAdminAsync(time, dataDirectory, arguments));
    }

    /// <summary>Registers a device.</summary>
    public async Task<DeviceCredential> AddAsync(string deviceId, string tenant = "acme", params string[] roles) =>
        (await Gateway.Registry.AddAsync(deviceId, tenant, roles, default))!;

    /// <summary>An access token from the token endpoint, at the gateway's time.</summary>
    public Task<string> TokenAsync(DeviceCredential device) => Gateway.GetAccessTokenAsync(Client, device, Time.GetUtcNow());

    /// <summary>A client that sends an API key with <paramref name="roles"/>, confined to <paramref name="tenant"/> when set.</summary>
    public async Task<HttpClient> KeyClientAsync(string[] roles, string? tenant = null) => NewClient(await Gateway.CreateKeyAsync(roles, tenant));

    /// <summary>A client that sends <paramref name="bearer"/>.</summary>
    public HttpClient NewClient(string? bearer)
    {
        var client = Gateway.Client();
        if (bearer != null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        _clients.Add(client);
        return client;
    }

    /// <summary>A device's MQTT client on the gateway's clock.</summary>
    public TestDevice Device(DeviceCredential credential)
    {
        var device = TestDevice.Registered(credential, Gateway.MqttPort, Time);
        _devices.Add(device);
        return device;
    }

    /// <summary>A device connected with <paramref name="token"/>; fails the test when refused.</summary>
    public async Task<TestDevice> ConnectAsync(DeviceCredential credential, string token)
    {
        var device = Device(credential);
        Assert.Equal(MqttClientConnectResultCode.Success, (await device.ConnectAsync(token)).ResultCode);
        return device;
    }

    /// <summary>POSTs a form to <paramref name="path"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, params (string Name, string Value)[] parameters)
    {
        using var content = new FormUrlEncodedContent(parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));
        return await client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

    /// <summary>Revokes <paramref name="token"/> as <paramref name="client"/>; fails the test unless answered 200.</summary>
    public static async Task RevokeAsync(HttpClient client, string token)
    {
        using var response = await PostFormAsync(client, RevokePath, ("token", token), ("token_type_hint", "access_token"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The introspection answer for <paramref name="token"/> as <paramref name="client"/>; fails the test unless answered 200.</summary>
    public static async Task<JsonElement> IntrospectAsync(HttpClient client, string token)
    {
        using var response = await PostFormAsync(client, IntrospectPath, ("token", token));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The DISCONNECT the gateway ended <paramref name="device"/>'s session with.</summary>
    public static async Task<MqttClientDisconnectedEventArgs> DisconnectedAsync(TestDevice device)
    {
        await Eventually.TrueAsync(() => device.Disconnected.Task.IsCompleted, $"the gateway to end the session of {device.Id}");
        return await device.Disconnected.Task;
    }

    /// <summary>One scrape of /metrics.</summary>
    public Task<string> MetricsAsync() => Client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

    public async ValueTask DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.DisposeAsync();
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Gateway.DisposeAsync();
    }
}
