using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Gateway.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;

namespace M2M.Gateway.Tests;

/// <summary>
/// Issue 15 item 4 (docs/tokens.md, "Service clients"): a service client created through the admin
/// API (its secret shown once) gets gateway tokens with client_secret_basic and client_secret_post;
/// the token carries the client's tenant and roles and authenticates on the admin API and the consumer
/// API as <c>client:{id}</c>. A tenant-scoped client's token never sees another tenant's devices, keys,
/// clients, audit lines or telemetry; a role it lacks is 403.
/// </summary>
public sealed class ServiceClientTokensCarryTheirTenantAndRolesIntoTheApisTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] OperatorRole = ["operator"];
    private static readonly string[] ViewerRole = ["viewer"];

    private AdminGateway _gateway = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _gateway = await AdminGateway.StartAsync();
        _http = new HttpClient { BaseAddress = _gateway.Process.BaseAddress };
        await _gateway.AddDeviceAsync("acme-meter", "acme");
        await _gateway.AddDeviceAsync("globex-meter", "globex");
        await _gateway.CreateKeyAsync("globex viewer", ["viewer"], "globex");
        await ServiceClients.CreateClientAsync(_gateway.Client, "globex-exporter", ["viewer"], "globex");
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task TheSecretIsShownOnceAndTheClientIsListedWithoutIt()
    {
        using var created = await _gateway.Client.PostAsJsonAsync(new Uri("/admin/v1/clients", UriKind.Relative),
            new { id = "acme-ops", name = "acme operations", roles = OperatorRole, tenant = "acme" });
        var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/admin/v1/clients/acme-ops", created.Headers.Location?.ToString());
        Assert.StartsWith("m2m_secret_", body.GetProperty("secret").GetString(), StringComparison.Ordinal);
        Assert.Equal("acme", body.GetProperty("tenant").GetString());
        Assert.Equal(1, body.GetProperty("generation").GetInt64());
        var (_, _, shown) = await ServiceClients.GetAsync(_gateway.Client, "/admin/v1/clients/acme-ops");
        var (_, _, listed) = await ServiceClients.GetAsync(_gateway.Client, "/admin/v1/clients");
        Assert.False(JsonDocument.Parse(shown).RootElement.TryGetProperty("secret", out _));
        Assert.All(JsonDocument.Parse(listed).RootElement.EnumerateArray(), c => Assert.False(c.TryGetProperty("secret", out _)));
        Assert.Equal(["globex-exporter", "acme-ops"], JsonDocument.Parse(listed).RootElement.EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.DoesNotContain(body.GetProperty("secret").GetString()!, File.ReadAllText(Path.Combine(_gateway.DataDirectory, "audit.jsonl")), StringComparison.Ordinal);

        // The id is taken for good, also once revoked.
        using var again = await _gateway.Client.PostAsJsonAsync(new Uri("/admin/v1/clients", UriKind.Relative), new { id = "acme-ops", roles = ViewerRole });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task BasicAndPostCredentialsBothGetATokenWithTheClientsTenantAndRoles()
    {
        var secret = await ServiceClients.CreateClientAsync(_gateway.Client, "acme-ops", ["operator", "telemetry-reader"], "acme");

        var basic = await ServiceClients.TokenAsync(_http, "acme-ops", secret);
        using var posted = await TokenGateway.RequestTokenAsync(_http, ("grant_type", "client_credentials"), ("client_id", "acme-ops"), ("client_secret", secret));
        var post = await ServiceClients.AccessTokenAsync(posted);

        foreach (var token in new[] { basic, post })
        {
            var jwt = new JsonWebToken(token);
            Assert.Equal("client:acme-ops", jwt.Subject);
            Assert.Equal("acme-ops", jwt.GetPayloadValue<string>("client_id"));
            Assert.Equal("acme", jwt.GetPayloadValue<string>("tenant"));
            Assert.Equal(["operator", "telemetry-reader"], jwt.Claims.Where(c => c.Type == "roles").Select(c => c.Value));
        }

        Assert.Contains(_gateway.AuditLines(), l => l.GetProperty("action").GetString() == "token.issue" && l.GetProperty("actor").GetString() == "client:acme-ops");
    }

    [Fact]
    public async Task ATenantScopedServiceTokenSeesOnlyItsTenantOnTheAdminAndConsumerApis()
    {
        var secret = await ServiceClients.CreateClientAsync(_gateway.Client, "acme-ops", ["operator", "telemetry-reader"], "acme");
        using var client = _gateway.ClientWith(await ServiceClients.TokenAsync(_http, "acme-ops", secret));

        var (status, _, devices) = await ServiceClients.GetAsync(client, "/admin/v1/devices");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["acme-meter"], JsonDocument.Parse(devices).RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetString()));
        Assert.Equal((HttpStatusCode.NotFound, "device_not_found"), Drop(await ServiceClients.GetAsync(client, "/admin/v1/devices/globex-meter")));
        using (var disable = await client.PostAsync(new Uri("/admin/v1/devices/globex-meter/disable", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.NotFound, disable.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await ServiceClients.GetAsync(client, "/consumer/v1/tenants/acme/records")).Status);
        Assert.Equal((HttpStatusCode.Forbidden, "other_tenant"), Drop(await ServiceClients.GetAsync(client, "/consumer/v1/tenants/globex/records")));
        Assert.Equal((HttpStatusCode.Forbidden, "missing_role"), Drop(await ServiceClients.GetAsync(client, "/admin/v1/keys")));
        Assert.Equal((HttpStatusCode.Forbidden, "missing_role"), Drop(await ServiceClients.GetAsync(client, "/admin/v1/clients")));
        var (_, _, audit) = await ServiceClients.GetAsync(client, "/admin/v1/audit?limit=1000");
        Assert.All(JsonDocument.Parse(audit).RootElement.GetProperty("lines").EnumerateArray(), l => Assert.Equal("acme", l.GetProperty("event").GetProperty("tenant").GetString()));

        // Every request is audited with the client as actor.
        Assert.Contains(_gateway.AuditLines(), l => l.GetProperty("action").GetString() == "device.list" && l.GetProperty("actor").GetString() == "client:acme-ops");
    }

    [Fact]
    public async Task AGlobalServiceTokenSeesEveryTenantWithinItsRoles()
    {
        var secret = await ServiceClients.CreateClientAsync(_gateway.Client, "fleet-dashboard", ["viewer"]);
        using var client = _gateway.ClientWith(await ServiceClients.TokenAsync(_http, "fleet-dashboard", secret));

        var (_, _, devices) = await ServiceClients.GetAsync(client, "/admin/v1/devices");
        Assert.Equal(["acme-meter", "globex-meter"], JsonDocument.Parse(devices).RootElement.EnumerateArray().Select(d => d.GetProperty("id").GetString()).Order(StringComparer.Ordinal));
        using var add = await client.PostAsJsonAsync(new Uri("/admin/v1/devices", UriKind.Relative), new { id = "new-meter", tenant = "acme" });
        Assert.Equal(HttpStatusCode.Forbidden, add.StatusCode);
        Assert.Equal((HttpStatusCode.Forbidden, "missing_role"), Drop(await ServiceClients.GetAsync(client, "/consumer/v1/tenants/acme/records")));
    }

    private static (HttpStatusCode, string?) Drop((HttpStatusCode Status, string? Code, string Body) answer) => (answer.Status, answer.Code);
}
