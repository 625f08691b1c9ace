using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using M2M.Gateway.Registry;
using M2M.Gateway.Tests.Support;
using M2M.Gateway.TestHost;
using MQTTnet;

namespace M2M.Gateway.Tests;

/// <summary>
/// The consumer API over the real gateway (docs/admin-api.md, "Consumer API"): a backend service
/// reads one tenant's relayed records, paged by journal position and by time, and follows them live
/// with Server-Sent Events resumed by Last-Event-ID; each record is the relay's signed CloudEvent
/// (same provenance as the file sink's, verifiable with the published JWKS alone); an API key with
/// telemetry-reader or a device's access token authenticates; another tenant's records are never served.
/// </summary>
public sealed class TheConsumerApiServesATenantsSignedRecordsPagedAndLiveTests : IAsyncLifetime
{
    private AdminGateway _gateway = null!;
    private TestDevice _acme = null!;
    private TestDevice _globex = null!;
    private byte[] _acmeKey = [];
    private byte[] _globexKey = [];
    private string _readerKey = string.Empty;

    public async Task InitializeAsync()
    {
        _gateway = await AdminGateway.StartAsync();
        (_acme, _acmeKey) = await ConnectAsync("meter-acme", "acme");
        (_globex, _globexKey) = await ConnectAsync("meter-globex", "globex");
        (_, _readerKey) = await _gateway.CreateKeyAsync("billing backend", ["telemetry-reader"], "acme");

        // Interleaved, so that every page has the other tenant's records between its own.
        for (var seq = 1u; seq <= 5; seq++)
        {
            await PublishAsync(_acme, _acmeKey, seq);
            await PublishAsync(_globex, _globexKey, seq);
        }

        await FileSink.ReadAsync(Path.Combine(_gateway.DataDirectory, "telemetry.jsonl"), 10);
    }

    public async Task DisposeAsync()
    {
        await _acme.DisposeAsync();
        await _globex.DisposeAsync();
        await _gateway.DisposeAsync();
    }

    [Fact]
    public async Task PagesHoldOnlyTheTenantsRecordsInJournalOrderEachAsTheRelaySignedIt()
    {
        using var reader = _gateway.ClientWith(_readerKey);
        var records = new List<JsonElement>();
        long after = 0;
        var pages = 0;
        while (true)
        {
            var page = await GetAsync(reader, $"/consumer/v1/tenants/acme/records?after={after}&limit=2");
            records.AddRange(page.GetProperty("records").EnumerateArray());
            after = page.GetProperty("next").GetInt64();
            pages++;
            if (!page.GetProperty("more").GetBoolean())
            {
                break;
            }
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 5).Select(s => $"meter-acme/1/1/{s}"), records.Select(r => r.GetProperty("id").GetString()));
        Assert.All(records, r => Assert.Equal("acme", r.GetProperty("m2mtenant").GetString()));

        // What a consumer knows: the gateway's metadata and JWKS.
        var metadata = await TokenGateway.MetadataAsync(reader);
        var keys = RecordVerifier.KeysOf(await reader.GetStringAsync(new Uri(new Uri(metadata.GetProperty("jwks_uri").GetString()!).PathAndQuery, UriKind.Relative)));
        var issuer = metadata.GetProperty("issuer").GetString()!;
        Assert.All(records, r => Assert.Null(RecordVerifier.Check(r, keys, issuer)));

        // The same records the relay delivered: every attribute a leaf covers is the same.
        var relayed = (await FileSink.ReadAsync(Path.Combine(_gateway.DataDirectory, "telemetry.jsonl"), 10))
            .Where(e => e.GetProperty("m2mtenant").GetString() == "acme").ToList();
        foreach (var (served, delivered) in records.Zip(relayed))
        {
            foreach (var attribute in RecordVerifier.CoveredAttributes)
            {
                Assert.Equal(Text(delivered, attribute), Text(served, attribute));
            }
        }

        Assert.Contains(_gateway.AuditLines(), l => l.GetProperty("action").GetString() == "telemetry.read" && l.GetProperty("tenant").GetString() == "acme");
    }

    [Fact]
    public async Task APageCanStartAtATime()
    {
        using var reader = _gateway.ClientWith(_readerKey);
        var all = (await GetAsync(reader, "/consumer/v1/tenants/acme/records")).GetProperty("records").EnumerateArray().ToList();
        var third = long.Parse(all[2].GetProperty("m2mgatewaytime").GetString()!, CultureInfo.InvariantCulture);
        var since = Uri.EscapeDataString(DateTimeOffset.FromUnixTimeMilliseconds(third).ToString("O", CultureInfo.InvariantCulture));

        var page = await GetAsync(reader, $"/consumer/v1/tenants/acme/records?since={since}");

        var ids = page.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(all.Where(r => long.Parse(r.GetProperty("m2mgatewaytime").GetString()!, CultureInfo.InvariantCulture) >= third).Select(r => r.GetProperty("id").GetString()), ids);
        Assert.Contains("meter-acme/1/1/3", ids);
        Assert.DoesNotContain("meter-acme/1/1/1", ids);
    }

    [Fact]
    public async Task AnotherTenantsRecordsAreRefusedToAScopedReader()
    {
        using var reader = _gateway.ClientWith(_readerKey);

        using var response = await reader.GetAsync(new Uri("/consumer/v1/tenants/globex/records", UriKind.Relative));
        await AdminApiManagesDevicesTests.AssertProblemAsync(response, HttpStatusCode.Forbidden, "other_tenant");
        using var stream = await reader.GetAsync(new Uri("/consumer/v1/tenants/globex/records/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        await AdminApiManagesDevicesTests.AssertProblemAsync(stream, HttpStatusCode.Forbidden, "other_tenant");
    }

    [Fact]
    public async Task ADevicesAccessTokenReadsItsTenantWhenTheDeviceHoldsTelemetryReader()
    {
        var (_, readerToken) = await _gateway.AddDeviceWithTokenAsync("gateway-reader", "acme", "telemetry-reader");
        var (_, plainToken) = await _gateway.AddDeviceWithTokenAsync("plain-device", "acme", "sensor");

        using var reader = _gateway.ClientWith(readerToken);
        var page = await GetAsync(reader, "/consumer/v1/tenants/acme/records");
        Assert.Equal(5, page.GetProperty("records").GetArrayLength());
        using var otherTenant = await reader.GetAsync(new Uri("/consumer/v1/tenants/globex/records", UriKind.Relative));
        await AdminApiManagesDevicesTests.AssertProblemAsync(otherTenant, HttpStatusCode.Forbidden, "other_tenant");

        // A device token carries telemetry-reader at most: never the admin API.
        using var devices = await reader.GetAsync(new Uri("/admin/v1/devices", UriKind.Relative));
        await AdminApiManagesDevicesTests.AssertProblemAsync(devices, HttpStatusCode.Forbidden, "missing_role");
        using var plain = _gateway.ClientWith(plainToken);
        using var refused = await plain.GetAsync(new Uri("/consumer/v1/tenants/acme/records", UriKind.Relative));
        await AdminApiManagesDevicesTests.AssertProblemAsync(refused, HttpStatusCode.Forbidden, "missing_role");

        // Disabling the device ends its token's access at once.
        (await _gateway.Client.PostAsync(new Uri("/admin/v1/devices/gateway-reader/disable", UriKind.Relative), null)).Dispose();
        using var disabled = await reader.GetAsync(new Uri("/consumer/v1/tenants/acme/records", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, disabled.StatusCode);
    }

    [Fact]
    public async Task TheStreamResumesAfterLastEventIdAndFollowsOnlyTheTenantLive()
    {
        using var reader = _gateway.ClientWith(_readerKey);
        var all = (await GetAsync(reader, "/consumer/v1/tenants/acme/records")).GetProperty("records").EnumerateArray().ToList();
        var second = all[1].GetProperty("m2mposition").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/consumer/v1/tenants/acme/records/stream", UriKind.Relative));
        request.Headers.Add("Last-Event-ID", second);
        using var response = await reader.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());

        var resumed = new List<(string Id, JsonElement Record)>();
        for (var i = 0; i < 3; i++)
        {
            resumed.Add(await NextEventAsync(events));
        }

        Assert.Equal(["meter-acme/1/1/3", "meter-acme/1/1/4", "meter-acme/1/1/5"], resumed.Select(e => e.Record.GetProperty("id").GetString()));
        Assert.All(resumed, e => Assert.Equal(e.Record.GetProperty("m2mposition").GetString(), e.Id));

        // Live: another tenant's record, then the sentinel of ours. The next event is the sentinel.
        await PublishAsync(_globex, _globexKey, 6);
        await PublishAsync(_acme, _acmeKey, 6);
        var live = await NextEventAsync(events);
        Assert.Equal("meter-acme/1/1/6", live.Record.GetProperty("id").GetString());
    }

    [Fact]
    public async Task AMalformedLastEventIdIs400()
    {
        using var reader = _gateway.ClientWith(_readerKey);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/consumer/v1/tenants/acme/records/stream", UriKind.Relative));
        request.Headers.Add("Last-Event-ID", "yesterday");

        using var response = await reader.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        await AdminApiManagesDevicesTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "invalid_page");
    }

    private async Task<(TestDevice Device, byte[] Secret)> ConnectAsync(string id, string tenant)
    {
        var (secret, token) = await _gateway.AddDeviceWithTokenAsync(id, tenant);
        var device = new TestDevice(TestWorld.Create(), id, _gateway.MqttPort);
        Assert.Equal(MqttClientConnectResultCode.Success, (await device.ConnectAsync(token)).ResultCode);
        return (device, secret);
    }

    private static async Task PublishAsync(TestDevice device, byte[] secret, uint seq)
    {
        var message = device.Telemetry(1, seq, Encoding.UTF8.GetBytes($$"""{"kwh":{{seq}}}"""), timestamp: DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            key: DeviceKeyDerivation.DeriveMessageKey(secret));
        Assert.Equal(MqttClientPublishReasonCode.Success, (await device.PublishAsync(message)).ReasonCode);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The next "record" event of the stream (comment lines skipped), within 30 seconds.</summary>
    private static async Task<(string Id, JsonElement Record)> NextEventAsync(StreamReader events)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? id = null, type = null, data = null;
        while (await events.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0)
            {
                if (type == "record" && id != null && data != null)
                {
                    return (id, JsonDocument.Parse(data).RootElement.Clone());
                }

                id = type = data = null;
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }

    private static string? Text(JsonElement record, string name) => record.TryGetProperty(name, out var value) ? value.GetString() : null;
}
