using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using M2M.Gateway.Tests.Support;

namespace M2M.Gateway.Tests;

/// <summary>
/// Expression policies (docs/policies.md) on the admin and consumer APIs, against the real gateway:
/// judged after the built-in role and tenant rules, over the principal (kind, tenant, roles), the
/// action and the target device or tenant; a refusal is 403 <c>policy_denied</c> naming the policy,
/// audited and counted by policy and decision; a policy that cannot be evaluated refuses; another
/// tenant's device stays 404 (a policy never reveals it); the loaded policies are listed and a
/// described request can be tried without being counted.
/// </summary>
public sealed class ExpressionPoliciesJudgeTheAdminAndConsumerApisTests : IAsyncLifetime
{
    private const string Decisions = "m2m_policy_decisions_total";
    private static readonly string[] OperatorRole = ["operator"];
    private AdminGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await AdminGateway.StartAsync(null,
        "--Gateway:Policies:0:Name", "acme-keys-keep-devices",
        "--Gateway:Policies:0:Actions:0", "devices.delete",
        "--Gateway:Policies:0:Expression", "!(principal.kind == 'key' && principal.tenant == 'acme')",
        "--Gateway:Policies:0:Description", "tenant acme keys may not delete devices",
        "--Gateway:Policies:1:Name", "telemetry-needs-a-site",
        "--Gateway:Policies:1:Actions:0", "telemetry.*",
        "--Gateway:Policies:1:Expression", "request.tenant != 'globex' || claims.site == 'berlin'");

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task TenantAcmeKeysMayNotDeleteDevices()
    {
        await _gateway.AddDeviceAsync("acme-1", "acme");
        await _gateway.AddDeviceAsync("acme-2", "acme");
        await _gateway.AddDeviceAsync("globex-1", "globex");
        var (_, operatorKey) = await _gateway.CreateKeyAsync("acme operator", ["operator"], "acme");
        using var acme = _gateway.ClientWith(operatorKey);

        using var deleted = await acme.DeleteAsync(new Uri("/admin/v1/devices/acme-1", UriKind.Relative));
        var problem = JsonDocument.Parse(await deleted.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Forbidden, deleted.StatusCode);
        Assert.Equal("policy_denied", problem.GetProperty("code").GetString());
        Assert.Contains("'acme-keys-keep-devices'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var stillThere = await _gateway.Client.GetAsync(new Uri("/admin/v1/devices/acme-1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, stillThere.StatusCode);

        // Only the named action: the same key still disables its tenant's device.
        using var disabled = await acme.PostAsync(new Uri("/admin/v1/devices/acme-1/disable", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);

        // After the tenant rule: another tenant's device is absent for this key, as without policies.
        using var other = await acme.DeleteAsync(new Uri("/admin/v1/devices/globex-1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);

        // A global key is not a tenant acme key.
        using var byAdmin = await _gateway.Client.DeleteAsync(new Uri("/admin/v1/devices/acme-2", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, byAdmin.StatusCode);

        var metrics = await MetricsScrape.ReadAsync(_gateway.Process.BaseAddress);
        Assert.Equal(1, metrics.Value($"{Decisions}{{policy=\"acme-keys-keep-devices\",decision=\"deny\"}}"));
        Assert.Equal(1, metrics.Value($"{Decisions}{{policy=\"acme-keys-keep-devices\",decision=\"allow\"}}"));
        Assert.Equal(1, metrics.Value("m2m_access_decisions_total{action=\"ManageDevices\",result=\"policy_denied\"}"));
        Assert.Contains(_gateway.AuditLines(), l => l.GetProperty("action").GetString() == "access.denied"
            && l.GetProperty("outcome").GetString() == "policy_denied"
            && l.GetProperty("target").GetString() == "devices.delete policy:acme-keys-keep-devices");
    }

    [Fact]
    public async Task APolicyThatCannotBeEvaluatedRefusesTheConsumerApi()
    {
        // An API key carries no claims: claims.site is an evaluation error for globex's records, so refused.
        var (_, reader) = await _gateway.CreateKeyAsync("reader", ["telemetry-reader"]);
        using var client = _gateway.ClientWith(reader);

        using var globex = await client.GetAsync(new Uri("/consumer/v1/tenants/globex/records", UriKind.Relative));
        using var acme = await client.GetAsync(new Uri("/consumer/v1/tenants/acme/records", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, globex.StatusCode);
        Assert.Equal("policy_denied", JsonDocument.Parse(await globex.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, acme.StatusCode);
        var metrics = await MetricsScrape.ReadAsync(_gateway.Process.BaseAddress);
        Assert.Equal(1, metrics.Value($"{Decisions}{{policy=\"telemetry-needs-a-site\",decision=\"error\"}}"));
        Assert.Equal(1, metrics.Value($"{Decisions}{{policy=\"telemetry-needs-a-site\",decision=\"allow\"}}"));
    }

    [Fact]
    public async Task TheLoadedPoliciesAreListedAndTriedWithoutBeingCounted()
    {
        var listed = JsonDocument.Parse(await _gateway.Client.GetStringAsync(new Uri("/admin/v1/policies", UriKind.Relative))).RootElement;
        Assert.Equal(["acme-keys-keep-devices", "telemetry-needs-a-site"], listed.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal("tenant acme keys may not delete devices", listed[0].GetProperty("description").GetString());
        Assert.Equal(["devices.delete"], listed[0].GetProperty("actions").EnumerateArray().Select(a => a.GetString()));

        using var tried = await _gateway.Client.PostAsJsonAsync(new Uri("/admin/v1/policies/test", UriKind.Relative), new
        {
            action = "devices.delete",
            principal = new { kind = "key", id = "ak-1", tenant = "acme", roles = OperatorRole },
        });
        var verdict = JsonDocument.Parse(await tried.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, tried.StatusCode);
        Assert.False(verdict.GetProperty("allowed").GetBoolean());
        Assert.Equal("acme-keys-keep-devices", verdict.GetProperty("policy").GetString());
        Assert.Equal("deny", verdict.GetProperty("results")[0].GetProperty("decision").GetString());

        using var other = await _gateway.Client.PostAsJsonAsync(new Uri("/admin/v1/policies/test", UriKind.Relative), new
        {
            action = "telemetry.read",
            request = new { tenant = "globex" },
            claims = new { site = "berlin" },
        });
        Assert.True(JsonDocument.Parse(await other.Content.ReadAsStringAsync()).RootElement.GetProperty("allowed").GetBoolean());

        var metrics = await MetricsScrape.ReadAsync(_gateway.Process.BaseAddress);
        Assert.Empty(metrics.ByLabel(Decisions, "policy"));
    }
}
